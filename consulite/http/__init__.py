"""The aiohttp application: one dispatcher over consulite's route table, one route module per family."""
