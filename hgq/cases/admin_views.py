"""Admin pages for case categories."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from hgq import access
from hgq.cases import queries, services
from hgq.cases.forms import CategoryEditForm, CategoryForm
from hgq.cases.models import Category
from hgq.errors import DomainError
from hgq.extensions import db
from hgq.viewhelpers import refuse

bp = Blueprint("admin_cases", __name__, url_prefix="/admin")


@bp.route("/categories", methods=["GET", "POST"])
@access.admin_required
def categories() -> str | Response:
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            category = services.create_category(
                code=form.code.data or "",
                name=form.name.data or "",
                sort_order=form.sort_order.data or 0,
                is_active=form.is_active.data,
                actor=current_user,
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            flash(f"已新增诉求类别“{category.name}”。", "success")
            return redirect(url_for(".categories"))
    rows = db.session.execute(queries.select_categories_with_counts()).all()
    return render_template("admin/cases/categories.html", form=form, rows=rows)


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@access.admin_required
def category_edit(category_id: int) -> str | Response:
    category = db.get_or_404(Category, category_id)
    form = CategoryEditForm(obj=category)
    if form.validate_on_submit():
        try:
            services.update_category(
                category,
                name=form.name.data or "",
                sort_order=form.sort_order.data or 0,
                is_active=form.is_active.data,
                actor=current_user,
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            flash(f"已保存诉求类别“{category.name}”。", "success")
            return redirect(url_for(".categories"))
    return render_template("admin/cases/category_form.html", form=form, category=category)
