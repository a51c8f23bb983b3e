import asyncio
import os
import signal


def handle_signal(loop, name):
    # 시그널 처리기가 아니라 루프가 호출하는 평범한 콜백이다.
    print(f"handler: got {name}")
    if name == "SIGTERM":
        print("handler: stopping the loop")
        loop.stop()


def send_signals():
    pid = os.getpid()
    for sig in (signal.SIGHUP, signal.SIGTERM):
        print(f"sending {sig.name} to pid {pid}")
        os.kill(pid, sig)


event_loop = asyncio.new_event_loop()
for sig in (signal.SIGHUP, signal.SIGTERM):
    event_loop.add_signal_handler(sig, handle_signal, event_loop, sig.name)
# 루프가 실행되기 시작하면 곧바로 시그널을 보낸다.
event_loop.call_soon(send_signals)
try:
    print("running the loop until a handler stops it")
    event_loop.run_forever()
finally:
    for sig in (signal.SIGHUP, signal.SIGTERM):
        event_loop.remove_signal_handler(sig)
    event_loop.close()
print("loop closed")
