"""Rules of the account services that the admin pages rely on."""

import pytest

from hgq.accounts import services
from hgq.accounts.models import Role, User
from hgq.errors import NotAllowed
from hgq.extensions import db
from tests.factories import PASSWORD


def test_signing_in_does_not_make_an_open_edit_form_stale(app, zone, auth):
    with app.app_context():
        before = db.session.get(User, zone.officer1).version
    auth.login("officer1")
    with app.app_context():
        user = db.session.get(User, zone.officer1)
        assert user.last_login_at is not None
        assert user.version == before


def test_admin_cannot_drop_own_admin_role(app, zone):
    with app.app_context():
        admin = db.session.get(User, zone.admin)
        services.create_user(
            username="admin2",
            name="第二管理员",
            password=PASSWORD,
            roles=[Role.ADMIN],
            actor=None,
        )
        with pytest.raises(NotAllowed, match="自己的系统管理员角色") as caught:
            services.update_user(
                admin,
                expected_version=admin.version,
                name=admin.name,
                phone="",
                roles=[Role.COMMITTEE],
                department_id=None,
                enterprise_id=None,
                actor=admin,
            )
        assert caught.value.field == "roles"


def test_refusals_name_their_field(app, zone):
    with app.app_context():
        with pytest.raises(NotAllowed) as caught:
            services.create_user(
                username="Officer1", name="x", password=PASSWORD, roles=[Role.OFFICER], actor=None
            )
        assert caught.value.field == "username"
        with pytest.raises(NotAllowed) as caught:
            services.create_user(
                username="new1", name="x", password="short", roles=[Role.OFFICER], actor=None
            )
        assert caught.value.field == "password"
        with pytest.raises(NotAllowed) as caught:
            services.create_user(
                username="new2", name="x", password=PASSWORD, roles=[Role.ENTERPRISE], actor=None
            )
        assert caught.value.field == "enterprise_id"


def test_authenticate_refuses_inactive_and_wrong(app, zone):
    with app.app_context():
        assert services.authenticate("officer1", PASSWORD) is not None
        assert services.authenticate("officer1", "nope-nope") is None
        assert services.authenticate("ghost", PASSWORD) is None
        dept = db.session.get(User, zone.dept1)
        services.deactivate_user(dept, actor=db.session.get(User, zone.admin))
        assert services.authenticate("dept1", PASSWORD) is None
