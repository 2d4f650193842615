"""Manual adjustments, appeals and rule changes: who may, what they write, audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from hgq.accounts.models import User
from hgq.audit.models import AuditRecord
from hgq.db import utcnow
from hgq.errors import NotAllowed, VersionConflict
from hgq.extensions import db
from hgq.points import engine, queries, services
from hgq.points.models import AppealStatus, PointEntry, PointRule, SourceType
from hgq.points.rules import current_rules, load_rules, rule_for
from hgq.timeutil import local_today
from hgq.visits.models import Visit, VisitMethod


def user(user_id: int) -> User:
    return db.session.get(User, user_id)


def audits(action: str) -> list[AuditRecord]:
    return list(
        db.session.scalars(
            sa.select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.id)
        )
    )


def entry_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(PointEntry.id))) or 0


# -- adjustments ---------------------------------------------------------------------------
def test_an_assessor_adjusts_with_a_reason_and_it_is_audited(app, zone):
    with app.app_context():
        now = utcnow()
        entry = services.adjust(user(zone.officer1), -3, " 台账不实 ", user(zone.committee), now)
        db.session.commit()
        assert (entry.points, entry.note, entry.rule_code) == (-3, "台账不实", "manual")
        assert entry.source_type is SourceType.MANUAL and entry.source_id == entry.id
        assert entry.source_key.startswith("manual:") and entry.created_by_id == zone.committee
        assert entry.period == queries.current_period(now).text
        record = audits("points.adjust")[-1]
        assert record.actor_id == zone.committee and record.target_id == str(entry.id)
        assert record.after == {
            "user_id": zone.officer1,
            "period": entry.period,
            "points": -3,
            "reason": "台账不实",
        }
        assert queries.total_for(zone.officer1, queries.current_period(now)) == -3


@pytest.mark.parametrize(
    ("person", "points", "reason", "actor", "field"),
    [
        ("officer1", 2, "表彰", "leader1", None),  # not an assessor
        ("officer1", 2, "表彰", "officer1", None),
        ("committee", 2, "表彰", "committee", "person_id"),  # himself
        ("user_a", 2, "表彰", "admin", "person_id"),  # an enterprise account
        ("officer1", 0, "表彰", "admin", "points"),
        ("officer1", 101, "表彰", "admin", "points"),
        ("officer1", -101, "表彰", "admin", "points"),
        ("officer1", 2, "  ", "admin", "reason"),
        ("officer1", 2, "长" * 501, "admin", "reason"),
    ],
)
def test_bad_adjustments_are_refused(app, zone, person, points, reason, actor, field):
    with app.app_context():
        with pytest.raises(NotAllowed) as refused:
            services.adjust(
                user(getattr(zone, person)), points, reason, user(getattr(zone, actor)), utcnow()
            )
        assert refused.value.field == field and str(refused.value)
        db.session.rollback()
        assert entry_count() == 0 and audits("points.adjust") == []


# -- appeals -------------------------------------------------------------------------------
def _adjusted(zone, points: int = -2) -> PointEntry:  # type: ignore[no-untyped-def]
    entry = services.adjust(
        user(zone.officer1), points, "未按时响应", user(zone.committee), utcnow()
    )
    db.session.commit()
    return entry


def test_an_appeal_reversed_adds_a_correcting_entry(app, zone):
    with app.app_context():
        entry = _adjusted(zone)
        appeal = services.file_appeal(entry, user(zone.officer1), "当天已电话答复", utcnow())
        db.session.commit()
        assert appeal.status is AppealStatus.PENDING
        assert [a.id for a in queries.pending_appeals()] == [appeal.id]
        services.decide_appeal(
            appeal,
            user(zone.admin),
            reverse=True,
            decision="核实属实",
            now=utcnow(),
            expected_version=appeal.version,
        )
        db.session.commit()
        correction = appeal.correction
        assert appeal.status is AppealStatus.REVERSED and appeal.decided_by_id == zone.admin
        assert (correction.points, correction.rule_code, correction.corrects_id) == (
            2,
            "appeal_reversal",
            entry.id,
        )
        assert (correction.source_type, correction.source_id) == (
            entry.source_type,
            entry.source_id,
        )
        assert correction.period == entry.period and "核实属实" in correction.note
        assert queries.total_for(zone.officer1, queries.parse_period(entry.period)) == 0
        record = audits("points.appeal")[-1]
        assert record.after["status"] == "reversed"
        assert record.after["correction_id"] == correction.id
        assert queries.pending_appeals() == []
        assert [a.id for a in queries.appeals_of(zone.officer1)] == [appeal.id]
        # Nothing left to appeal.
        with pytest.raises(NotAllowed, match="已因申诉撤销"):
            services.file_appeal(entry, user(zone.officer1), "再申诉", utcnow())
        with pytest.raises(NotAllowed, match="更正记录"):
            services.file_appeal(correction, user(zone.officer1), "再申诉", utcnow())


def test_an_appeal_upheld_adds_nothing_and_is_audited(app, zone):
    with app.app_context():
        entry = _adjusted(zone)
        appeal = services.file_appeal(entry, user(zone.officer1), "企业误评", utcnow())
        db.session.commit()
        before = entry_count()
        services.decide_appeal(
            appeal,
            user(zone.committee),
            reverse=False,
            decision="维持",
            now=utcnow(),
            expected_version=None,
        )
        db.session.commit()
        assert appeal.status is AppealStatus.UPHELD and appeal.correction_id is None
        assert entry_count() == before
        assert audits("points.appeal")[-1].after["status"] == "upheld"
        with pytest.raises(NotAllowed, match="已处理"):
            services.decide_appeal(
                appeal,
                user(zone.admin),
                reverse=True,
                decision="改判",
                now=utcnow(),
                expected_version=None,
            )
        # Upheld, it may be appealed again.
        assert services.file_appeal(entry, user(zone.officer1), "补充材料", utcnow()).id


def test_appeal_refusals(app, zone):
    with app.app_context():
        entry = _adjusted(zone)
        with pytest.raises(NotAllowed, match="本人"):
            services.file_appeal(entry, user(zone.officer2), "代为申诉", utcnow())
        with pytest.raises(NotAllowed) as refused:
            services.file_appeal(entry, user(zone.officer1), "  ", utcnow())
        assert refused.value.field == "reason"
        appeal = services.file_appeal(entry, user(zone.officer1), "理由", utcnow())
        db.session.commit()
        with pytest.raises(NotAllowed, match="待处理"):
            services.file_appeal(entry, user(zone.officer1), "再次", utcnow())
        for actor in (zone.officer2, zone.leader1):
            with pytest.raises(NotAllowed):
                services.decide_appeal(
                    appeal,
                    user(actor),
                    reverse=True,
                    decision="x",
                    now=utcnow(),
                    expected_version=None,
                )
        with pytest.raises(VersionConflict):
            services.decide_appeal(
                appeal,
                user(zone.admin),
                reverse=True,
                decision="x",
                now=utcnow(),
                expected_version=appeal.version + 1,
            )
        with pytest.raises(NotAllowed) as refused:
            services.decide_appeal(
                appeal,
                user(zone.admin),
                reverse=True,
                decision=" ",
                now=utcnow(),
                expected_version=appeal.version,
            )
        assert refused.value.field == "decision"
        db.session.rollback()
        assert appeal.status is AppealStatus.PENDING


def test_nobody_decides_his_own_appeal(app, zone):
    with app.app_context():
        entry = services.adjust(user(zone.committee), 3, "x", user(zone.admin), utcnow())
        appeal = services.file_appeal(entry, user(zone.committee), "理由", utcnow())
        with pytest.raises(NotAllowed, match="本人"):
            services.decide_appeal(
                appeal,
                user(zone.committee),
                reverse=True,
                decision="x",
                now=utcnow(),
                expected_version=None,
            )


# -- rules -----------------------------------------------------------------------------------
def test_rule_versions_in_force(app, zone):
    with app.app_context():
        cache = load_rules()
        assert rule_for("visit_logged", date(2025, 12, 31), cache) is None
        assert rule_for("visit_logged", date(2026, 3, 1), cache).points == 1
        assert rule_for("no_such_rule", date(2026, 3, 1), cache) is None
        assert [r.code for r in current_rules()][:2] == ["visit_logged", "case_responded_on_time"]


def test_the_admin_schedules_and_changes_a_future_version(app, zone):
    with app.app_context():
        admin = user(zone.admin)
        later = local_today() + timedelta(days=10)
        rule = services.change_rule(
            "visit_logged", points=2, monthly_cap=8, active_from=later, enabled=True, actor=admin
        )
        db.session.commit()
        same = services.change_rule(
            "visit_logged", points=3, monthly_cap=None, active_from=later, enabled=True, actor=admin
        )
        db.session.commit()
        assert same.id == rule.id and (same.points, same.monthly_cap) == (3, None)
        versions = [r for r in current_rules() if r.code == "visit_logged"]
        assert [(r.points, r.active_from) for r in versions] == [(1, date(2026, 1, 1)), (3, later)]
        records = audits("points.rule")
        assert records[0].before is None
        assert records[1].before["points"] == 2 and records[1].after["points"] == 3


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"active_from": date(2026, 1, 1)}, "active_from"),  # in force already
        ({"active_from": date(2020, 1, 1)}, "active_from"),  # in the past
        ({"points": 101}, "points"),
        ({"monthly_cap": 0}, "monthly_cap"),
        ({"code": "manual"}, "code"),
        ({"actor": "committee"}, None),
    ],
)
def test_bad_rule_changes_are_refused(app, zone, changes, field):
    with app.app_context():
        values = {
            "code": "visit_logged",
            "points": 1,
            "monthly_cap": None,
            "active_from": local_today() + timedelta(days=1),
            "enabled": True,
            "actor": "admin",
            **changes,
        }
        values["actor"] = user(getattr(zone, values["actor"]))
        code = values.pop("code")
        with pytest.raises(NotAllowed) as refused:
            services.change_rule(code, **values)
        assert refused.value.field == field
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(PointRule.id))) == 9


def test_a_change_from_today_corrects_todays_points(app, zone):
    """A version from today re-prices what already scored today: a correcting entry."""
    with app.app_context():
        now = utcnow()
        db.session.add(
            Visit(
                enterprise_id=zone.ent_a,
                visitor_id=zone.officer1,
                visited_on=local_today(),
                method=VisitMethod.PHONE,
                summary="电话联络",
            )
        )
        db.session.commit()
        month = queries.current_period(now).text
        assert engine.recompute(month, now).added == 1
        services.change_rule(
            "visit_logged",
            points=2,
            monthly_cap=None,
            active_from=local_today(),
            enabled=True,
            actor=user(zone.admin),
        )
        db.session.commit()
        result = engine.recompute(month, utcnow())
        db.session.commit()
        assert (result.added, result.corrected) == (0, 1)
        assert queries.total_for(zone.officer1, queries.current_period(now)) == 2
