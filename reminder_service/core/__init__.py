"""The pure core: scheduling and reply understanding. No I/O, no clock, no asyncio."""
