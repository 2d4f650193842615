"""clock_at: every "now" in hgq moves together (used to build the demo's history)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hgq.db import clock_at, utcnow
from hgq.timeutil import local_today


def test_clock_at_moves_utcnow_and_local_time(app):
    moment = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
    with app.app_context():
        with clock_at(moment):
            assert utcnow() == moment
            assert local_today().isoformat() == "2026-03-02"
            with clock_at(moment + timedelta(days=1)):
                assert utcnow() == moment + timedelta(days=1)
            assert utcnow() == moment
        assert utcnow() - datetime.now(UTC) < timedelta(seconds=5)


def test_clock_at_wants_an_aware_time():
    with pytest.raises(ValueError, match="aware"), clock_at(datetime(2026, 3, 2)):
        pass
    shanghai = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    with clock_at(shanghai):
        assert utcnow() == shanghai and utcnow().tzinfo is UTC
