import asyncio

async def consumer(n, q: asyncio.Queue):
    print(f"consumer {n}: starting")
    while True:
        try:
            item = await q.get()
        except asyncio.QueueShutDown:
            # 큐가 닫혔고 남은 항목도 없다.
            break
        print(f"consumer {n}: has item {item}")
        await asyncio.sleep(0.1)
        q.task_done()
    print(f"consumer {n}: ending")

async def producer(q: asyncio.Queue, num_items):
    print("producer: starting")
    for i in range(num_items):
        await q.put(i)
        print(f"producer: added item {i}")
    # None 같은 종료 표시를 넣는 대신 큐를 닫는다.
    q.shutdown()
    print("producer: queue shut down")

async def main(num_consumers):
    q = asyncio.Queue()
    async with asyncio.TaskGroup() as tg:
        for n in range(num_consumers):
            tg.create_task(consumer(n, q))
        tg.create_task(producer(q, num_consumers * 2))
    print("main: all consumers ended")

asyncio.run(main(2))
