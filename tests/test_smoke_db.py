from models.grid import Community


async def test_database_is_empty_and_writable() -> None:
    assert await Community.all().count() == 0
    await Community.create(name="Xingrong")
    assert await Community.all().count() == 1


async def test_each_test_starts_empty() -> None:
    assert await Community.all().count() == 0
