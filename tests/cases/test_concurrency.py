"""Two people acting on one case at the same moment: one wins, the other gets a
conflict, never a silent overwrite. Runs on SQLite and, with HGQ_TEST_DATABASE_URL,
on PostgreSQL (the suite's CI runs both)."""

import threading

from hgq.accounts.models import User
from hgq.cases.models import Case, CaseEvent
from hgq.cases.services import perform_action
from hgq.cases.workflow import Action
from hgq.errors import DomainError, VersionConflict
from hgq.extensions import db
from tests.factories import make_case


def race(app, case_id, moves):
    """Run each (user_id, action, kwargs) in its own thread and session, all loading the
    case before any of them writes. Returns the outcome of each: "ok" or the exception."""
    loaded = threading.Barrier(len(moves))
    outcomes = [None] * len(moves)

    def worker(i, user_id, action, kwargs):
        with app.app_context():
            try:
                case = db.session.get(Case, case_id)
                user = db.session.get(User, user_id)
                version = case.version
                loaded.wait(timeout=10)
                perform_action(case, action, user, expected_version=version, **kwargs)
                db.session.commit()
                outcomes[i] = "ok"
            except DomainError as exc:
                db.session.rollback()
                outcomes[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i, *move)) for i, move in enumerate(moves)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


def test_two_simultaneous_actions_one_success_one_conflict(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.user_a)
        case_id = case.id
    outcomes = race(
        app,
        case_id,
        [
            (zone.officer1, Action.ACCEPT, {}),
            (zone.user_a, Action.WITHDRAW, {"note": "已自行解决"}),
        ],
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["VersionConflict", "str"]
    assert outcomes.count("ok") == 1
    with app.app_context():
        case = db.session.get(Case, case_id)
        events = db.session.scalars(db.select(CaseEvent).where(CaseEvent.case_id == case_id)).all()
        assert case.version == 2
        assert len(events) == 2  # submit + the one winner
        winner = events[-1].action
        assert (winner, case.status.value) in {("accept", "accepted"), ("withdraw", "withdrawn")}


def test_many_simultaneous_notes_keep_every_winner_and_refuse_the_rest(app, zone):
    with app.app_context():
        case_id = make_case(zone.ent_a, zone.officer1).id
    moves = [(zone.officer1, Action.NOTE, {"note": f"备注{i}"}) for i in range(4)]
    outcomes = race(app, case_id, moves)
    assert outcomes.count("ok") == 1
    assert all(isinstance(o, VersionConflict) for o in outcomes if o != "ok")
    with app.app_context():
        assert db.session.get(Case, case_id).version == 2


def test_case_codes_are_unique_under_concurrent_creation(app, zone):
    codes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def create():
        with app.app_context():
            start.wait(timeout=10)
            case = make_case(zone.ent_a, zone.officer1)
            with lock:
                codes.append(case.code)
            db.session.remove()

    threads = [threading.Thread(target=create) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(codes) == 4
    assert len(set(codes)) == 4
