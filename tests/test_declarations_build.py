"""The Sphinx build and the page scanner read the new declarations alike, from a real
build of a throwaway book."""

from __future__ import annotations

from booktools import Book

from outputcheck.reading.pages import scan_page

SNIPPET = r'''
import os, random
print(f"pid {os.getpid()}: ThreadPoolExecutor-0_{random.randint(0, 1)} started")
if random.random() < 0.5:
    print("Executing <Handle tick()> took 0.%03d seconds" % random.randint(100, 999))
data = b"hello, world"
cut = random.randint(1, len(data) - 1)
print(f"received {data[:cut]!r}")
print(f"received {data[cut:]!r}")
for task in random.sample(["task a done", "task b done"], 2):
    print(task)
print(f"free {random.choice(['20K', '0', '1.5G'])}")
'''

PAGE = r'''
# P

```{output}
:any: number, /ThreadPoolExecutor-\d+_\d+/, size
:optional: /Executing <Handle tick\(\)> took \d+\.\d+ seconds/
:joined: /received b'(.*)'/
:unordered: /task \w+ done/
:host: mount

$ python3 restless.py
pid 4242: ThreadPoolExecutor-0_1 started
received b'hello, world'
task b done
task a done
free 20K
```
'''


def test_new_declarations_hold_in_a_real_build(book: Book) -> None:
    book.snippet("restless", SNIPPET)
    page = book.page("page", PAGE)
    (found,) = scan_page(page)
    assert found.block().vary.any == ("number", r"/ThreadPoolExecutor-\d+_\d+/", "size")
    for _ in range(3):  # three fresh builds: three different runs
        built = book.build(outputcheck_cache="")
        assert built.status == 0, built.warnings
        assert "1 ran, 0 cached" in built.out


def test_a_wrong_declaration_says_where_and_how_to_write_it(book: Book) -> None:
    book.snippet("restless", SNIPPET)
    book.page("page", PAGE.replace(r":joined: /received b'(.*)'/", ":joined: received b'(.*)'"))
    built = book.build()
    assert built.status == 1
    assert "page.md:3" in built.warnings and ":joined: cannot read" in built.warnings
    assert "write ':joined: /received b'(.*)'/'" in built.warnings
