"""``flask demo``: the demo zone, its accounts and coverage, idempotence, migrations."""

from __future__ import annotations

import logging
from collections import Counter

import pytest
import sqlalchemy as sa

from hgq.accounts.models import Department, Role, User
from hgq.demo import data
from hgq.demo.cli import demo_command
from hgq.demo.services import enterprise_username
from hgq.enterprises.credit_code import is_valid_credit_code
from hgq.enterprises.models import Assignment, Enterprise, Project, Tag
from hgq.extensions import db
from tests import factories
from tests.conftest import make_test_app

PASSWORD = data.DEFAULT_PASSWORD
STAFF_ROLES = {username: Role(role) for username, _n, role, _d, _p in data.STAFF}
ENTERPRISE_USERNAMES = [enterprise_username(n) for n in range(len(data.ENTERPRISES))]
ALL_USERNAMES = [*STAFF_ROLES, *ENTERPRISE_USERNAMES]


@pytest.fixture
def demo(runner):  # type: ignore[no-untyped-def]
    result = runner.invoke(demo_command)
    assert result.exit_code == 0, result.output
    return result


def _snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    return {
        table.name: sorted((tuple(row) for row in db.session.execute(sa.select(table))), key=repr)
        for table in db.metadata.sorted_tables
    }


def _count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_named_accounts_exist_with_their_roles(app, demo):
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(sa.select(User))}
        assert set(users) == set(ALL_USERNAMES)
        for username, role in STAFF_ROLES.items():
            assert users[username].roles == {role}, username
        for n, username in enumerate(ENTERPRISE_USERNAMES):
            user = users[username]
            assert user.roles == {Role.ENTERPRISE}
            assert user.enterprise.name == data.ENTERPRISES[n]["name"]
        assert {f"leader{i}" for i in (1, 2, 3)} <= set(users)
        assert {f"officer{i}" for i in range(1, 9)} <= set(users)


def test_staff_belong_to_departments(app, demo):
    with app.app_context():
        assert _count(Department) == len(data.DEPARTMENTS) >= 10
        for username, role in STAFF_ROLES.items():
            user = db.session.scalar(sa.select(User).where(User.username == username))
            assert user.department is not None, username
            assert user.phone, username
            if role is Role.DEPARTMENT:
                assert user.department.is_industry, username
        industry = db.session.scalars(sa.select(Department).where(Department.is_industry))
        assert all(d.description for d in industry)


def test_every_enterprise_is_valid_and_covered(app, demo):
    with app.app_context():
        firms = db.session.scalars(sa.select(Enterprise)).all()
        assert len(firms) == len(data.ENTERPRISES) >= 20
        codes = [f.credit_code for f in firms]
        assert len(set(codes)) == len(codes)
        leader_of: dict[int, int] = {}
        load: Counter[int] = Counter()
        for firm in firms:
            assert is_valid_credit_code(firm.credit_code), firm.name
            assert firm.credit_code[2:8] in {"431200", "431202"}
            assert firm.tags and firm.address.startswith("湖南省怀化市")
            current = firm.current_assignment
            assert current is not None, firm.name
            assert current.officer.has_role(Role.OFFICER)
            assert current.leader.has_role(Role.LEADER)
            assert current.start_date.year == 2026
            # an officer always works under the same leader
            assert leader_of.setdefault(current.officer_id, current.leader_id) == current.leader_id
            load[current.officer_id] += 1
        assert len(load) == 8 and max(load.values()) - min(load.values()) <= 1
        assert len(set(leader_of.values())) == 3
        assert _count(Assignment) == len(firms)


def test_projects_and_tags(app, demo):
    with app.app_context():
        assert _count(Project) == len(data.PROJECTS)
        project = db.session.scalar(
            sa.select(Project).where(Project.name == "东旭新材料产业园项目")
        )
        assert project.enterprise.name == "怀化东旭新材料有限公司"
        assert project.investment > 0
        assert {t.name for t in db.session.scalars(sa.select(Tag))} == set(data.TAG_NAMES)


def test_ent01_sees_its_enterprise(demo, auth, client):
    auth.login("ent01", PASSWORD)
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "德达医疗（湖南）有限公司" in page
    assert "本企业的包保干部" in page
    assert "刘晓峰" in page  # officer1 covers the first enterprise


def test_every_demo_account_can_log_in(demo, auth, client):
    for username in ALL_USERNAMES:
        response = auth.login(username, PASSWORD)
        assert response.status_code == 302, username
        assert client.get("/", follow_redirects=True).status_code == 200, username
        auth.logout()


def test_second_run_changes_nothing(app, runner, demo):
    with app.app_context():
        before = _snapshot()
    result = runner.invoke(demo_command)
    assert result.exit_code == 0, result.output
    assert "本次未做修改" in result.output
    with app.app_context():
        assert _snapshot() == before


def test_existing_accounts_keep_their_password(app, runner):
    with app.app_context():
        admin = factories.make_user("admin", Role.ADMIN, name="原管理员")
        old_hash = admin.password_hash
    result = runner.invoke(demo_command)
    assert result.exit_code == 0, result.output
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
        assert admin.password_hash == old_hash
        assert admin.name == "原管理员"
        assert _count(User) == len(ALL_USERNAMES)


def test_password_option(app, runner, auth):
    result = runner.invoke(demo_command, ["--password", "another-pass-9"])
    assert result.exit_code == 0, result.output
    assert "another-pass-9" in result.output
    assert auth.login("officer3", "another-pass-9").status_code == 302
    auth.logout()
    assert auth.login("ent20", PASSWORD).status_code == 200  # the default is refused


def test_weak_password_creates_nothing(app, runner):
    result = runner.invoke(demo_command, ["--password", "short"])
    assert result.exit_code != 0
    assert "密码至少需要8位" in result.output
    with app.app_context():
        assert _count(User) == 0
        assert _count(Department) == 0


def test_output_lists_the_accounts(demo):
    out = demo.output
    assert "http://127.0.0.1:5000" in out
    assert PASSWORD in out
    assert "仅供演示评估使用" in out
    for label in (
        "系统管理员",
        "安全管理员",
        "审计管理员",
        "工委管委",
        "包保领导",
        "包保责任人",
        "行业部门",
        "企业用户",
    ):
        assert f"【{label}】" in out
    for username in ALL_USERNAMES:
        assert f"  {username} " in out
    assert "ent01" in out and "德达医疗（湖南）有限公司" in out
    assert out.index("【系统管理员】") < out.index("admin ") < out.index("【企业用户】")


@pytest.fixture
def keep_logging():  # type: ignore[no-untyped-def]
    """Alembic's env.py calls logging.config.fileConfig: undo it for the other tests."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    disabled = {
        name: logger.disabled
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, logger in logging.root.manager.loggerDict.items():
        if isinstance(logger, logging.Logger):
            logger.disabled = disabled.get(name, False)


def test_fresh_database_is_migrated_first(tmp_path, keep_logging):
    app = make_test_app(tmp_path, f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    runner = app.test_cli_runner()
    try:
        first = runner.invoke(demo_command)
        assert first.exit_code == 0, first.output
        assert "数据库结构已是最新版本" in first.output
        assert "企业标签" not in first.output  # the migration seeded the tags
        with app.app_context():
            tables = set(sa.inspect(db.engine).get_table_names())
            assert "alembic_version" in tables
            assert _count(Enterprise) == len(data.ENTERPRISES)
            assert _count(Tag) == len(data.TAG_NAMES)
            before = _snapshot()
        second = runner.invoke(demo_command)
        assert second.exit_code == 0, second.output
        assert "本次未做修改" in second.output
        with app.app_context():
            assert _snapshot() == before
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
