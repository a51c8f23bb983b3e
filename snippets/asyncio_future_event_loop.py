import asyncio

def mark_done(future: asyncio.Future, result):
    print(f"setting future result to {result!r}")
    future.set_result(result)

event_loop = asyncio.new_event_loop()
try:
    all_done = event_loop.create_future()
    print("scheduling mark_done")
    event_loop.call_soon(mark_done, all_done, 'the result')

    print("entering event loop")
    result = event_loop.run_until_complete(all_done)
    print(f"returned result {result!r}")
finally:
    print("closing event loop")
    event_loop.close()

print(f"future result : {all_done.result()!r}")
