"""The composite score (综合得分), computed by hand, and its settings page."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from hgq.audit.models import AuditRecord
from hgq.errors import DomainError
from hgq.extensions import db
from hgq.settings.services import get_setting, setting_version
from hgq.stats.composite import (
    SETTING_KEY,
    check_settings,
    composite_score,
    default_settings,
    describe,
    load_settings,
)


@dataclass
class R:
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None


WEIGHTED = {"mode": "weighted", "weights": {"response": 30, "resolution": 35, "satisfaction": 35}}
STEPS = {
    "mode": "threshold",
    "thresholds": {
        "response": [{"min": 95, "points": 30}, {"min": 90, "points": 25}],
        "resolution": [{"min": 80, "points": 35}, {"min": 60, "points": 20}],
        "satisfaction": [{"min": 90, "points": 35}],
    },
}


def test_weighted_by_hand():
    # 30 × 0.9 + 35 × 0.8 + 35 × 0.6 = 27 + 28 + 21 = 76
    assert composite_score(R(0.9, 0.8, 0.6), WEIGHTED) == pytest.approx(76)
    assert composite_score(R(1, 1, 1), WEIGHTED) == pytest.approx(100)
    assert composite_score(R(0, 0, 0), WEIGHTED) == 0


def test_default_is_weighted_30_35_35():
    settings = default_settings()
    assert settings["mode"] == "weighted"
    # 30 × 0.5 + 35 × 1 + 35 × 0 = 50
    assert composite_score(R(0.5, 1.0, 0.0), settings) == pytest.approx(50)


def test_threshold_by_hand():
    # response 0.95 reaches ≥95 → 30 (exactly on the step, despite 0.95 × 100 float noise);
    # resolution 0.7 reaches ≥60 → 20; satisfaction 0.89 below 90 → 0. Total 50.
    assert composite_score(R(0.95, 0.7, 0.89), STEPS) == 50
    # 0.92 → 25; 0.8 → 35; 0.9 → 35. Total 95.
    assert composite_score(R(0.92, 0.8, 0.9), STEPS) == 95
    assert composite_score(R(0.1, 0.1, 0.1), STEPS) == 0
    assert composite_score(R(1, 1, 1), STEPS) == 100


def test_none_when_a_needed_rate_is_none():
    assert composite_score(R(0.9, None, 0.6), WEIGHTED) is None
    assert composite_score(R(None, 0.8, 0.9), STEPS) is None
    # A rate weighted 0 is not needed.
    zero = {"mode": "weighted", "weights": {"response": 0, "resolution": 50, "satisfaction": 50}}
    # 50 × 0.8 + 50 × 0.6 = 70
    assert composite_score(R(None, 0.8, 0.6), zero) == pytest.approx(70)


@pytest.mark.parametrize(
    ("settings", "field", "message"),
    [
        ({"mode": "x"}, "mode", "计分方式"),
        (
            {"mode": "weighted", "weights": {"response": 30, "resolution": 30, "satisfaction": 30}},
            "weight_response",
            "之和应为100（当前为90）",
        ),
        (
            {
                "mode": "threshold",
                "thresholds": {"response": [{"min": 90, "points": 30}, {"min": 90, "points": 20}]},
            },
            "steps_response",
            "不能重复",
        ),
        (
            {
                "mode": "threshold",
                "thresholds": {
                    "resolution": [{"min": 90, "points": 10}, {"min": 80, "points": 20}]
                },
            },
            "steps_resolution",
            "分值不能越低",
        ),
        (
            {"mode": "threshold", "thresholds": {"response": [{"min": 90, "points": 60}]}},
            "steps_response",
            "最高档分值之和应为100（当前为60）",
        ),
    ],
)
def test_check_settings_refuses(settings, field, message):
    with pytest.raises(DomainError) as info:
        check_settings(settings)
    assert info.value.field == field
    assert message in str(info.value)


def test_load_settings_falls_back_on_damage():
    assert load_settings(None) == default_settings()
    assert load_settings({"mode": "weighted", "weights": {"response": "a"}}) == default_settings()
    assert load_settings(STEPS)["mode"] == "threshold"


def test_describe():
    assert describe(WEIGHTED) == [
        "加权计分：综合得分 = 响应率×30 + 解决率×35 + 满意率×35（比率按小数计，满分100分）。"
    ]
    lines = describe(STEPS)
    assert lines[1] == "响应率：≥95%得30分，≥90%得25分"


# -- the admin page ---------------------------------------------------------------------
URL = "/admin/stats/composite"


def form_data(**changes):  # type: ignore[no-untyped-def]
    data = {
        "version": "0",
        "mode": "weighted",
        "weight_response": "30",
        "weight_resolution": "35",
        "weight_satisfaction": "35",
    }
    data.update(changes)
    return data


def test_page_shows_the_defaults(zone, auth, client):
    auth.login("admin")
    html = client.get(URL).get_data(as_text=True)
    assert "综合得分" in html
    assert 'value="30"' in html and 'value="35"' in html
    assert "响应率×30 + 解决率×35 + 满意率×35" in html


def test_weights_must_sum_to_100(app, zone, auth, client):
    auth.login("admin")
    response = client.post(URL, data=form_data(weight_response="40"))
    assert response.status_code == 200
    assert "三项权重之和应为100（当前为110）" in response.get_data(as_text=True)
    with app.app_context():
        assert setting_version(SETTING_KEY) == 0


def test_bad_number_is_refused_in_chinese(zone, auth, client):
    auth.login("admin")
    html = client.post(URL, data=form_data(weight_response="120")).get_data(as_text=True)
    assert "权重应在0至100之间" in html


def test_saves_weighted_with_audit(app, zone, auth, client):
    auth.login("admin")
    response = client.post(
        URL, data=form_data(weight_response="20", weight_resolution="40", weight_satisfaction="40")
    )
    assert response.status_code == 302
    with app.app_context():
        saved = get_setting(SETTING_KEY, None)
        assert saved["mode"] == "weighted"
        assert saved["weights"] == {"response": 20, "resolution": 40, "satisfaction": 40}
        assert setting_version(SETTING_KEY) == 1
        record = db.session.scalar(
            sa.select(AuditRecord).where(AuditRecord.action == "setting.update")
        )
        assert record is not None and record.target_id == SETTING_KEY
        assert record.actor_id == zone.admin


def test_saves_thresholds(app, zone, auth, client):
    auth.login("admin")
    data = form_data(mode="threshold", weight_response="")
    rows = {
        "response": [("95", "30"), ("90", "25"), ("", "")],
        "resolution": [("90", "35"), ("", "")],
        "satisfaction": [("85.5", "35"), ("70", "20")],
    }
    for key, steps in rows.items():
        for i, (minimum, points) in enumerate(steps):
            data[f"steps_{key}-{i}-minimum"] = minimum
            data[f"steps_{key}-{i}-points"] = points
    response = client.post(URL, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        saved = get_setting(SETTING_KEY, None)
    assert saved["mode"] == "threshold"
    assert saved["thresholds"]["response"] == [
        {"min": 95, "points": 30},
        {"min": 90, "points": 25},
    ]
    assert saved["thresholds"]["satisfaction"][0] == {"min": 85.5, "points": 35}
    # The weights, blank in the form, keep their previous values.
    assert saved["weights"] == {"response": 30, "resolution": 35, "satisfaction": 35}
    # 0.93 → 25; 0.95 → 35; 0.8 → 20: 80
    assert composite_score(R(0.93, 0.95, 0.8), saved) == 80


def test_half_filled_step_is_refused(zone, auth, client):
    auth.login("admin")
    data = form_data(mode="threshold")
    data["steps_response-0-minimum"] = "95"
    html = client.post(URL, data=data).get_data(as_text=True)
    assert "比率和得分须同时填写" in html


def test_stale_version_is_refused(app, zone, auth, client):
    auth.login("admin")
    assert client.post(URL, data=form_data()).status_code == 302
    html = client.post(URL, data=form_data(version="0")).get_data(as_text=True)
    assert "设置已被他人修改" in html
