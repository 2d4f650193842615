"""Landing pages per role, and the public 包保 board (挂牌公示)."""
