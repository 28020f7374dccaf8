"""The published Green Manufacturing List for everyone: the JSON API, the page, the exports
and each batch's announcement (no token needed)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from services.review.deps import SessionDep, TemplatesDep
from services.review.exports import table, to_csv, to_xlsx
from services.review.models import ListedUnit
from services.review.repository import publication, triennial
from services.review.routes.listed_units import listed_unit_out
from services.review.schemas import ListedUnitOut, PublicList
from shared.chinatime import CHINA
from shared.contracts.bounds import BatchCode, Identifier, Offset, SearchText
from shared.http import not_found
from shared.rules.model import Category

router = APIRouter(tags=["public list"])
pages = APIRouter(tags=["pages"])
Lang = Annotated[Literal["zh", "en"], Query(description="zh (default) or en")]


class ListFilter:
    """The public list's filters, shared by the page, the JSON and the exports."""

    def __init__(
        self, batch: BatchCode | None = None, category: Category | None = None,
        region: Identifier | None = None,
        q: Annotated[
            SearchText | None, Query(description="part of the name, or the credit code")
        ] = None,
    ) -> None:
        self.batch, self.category, self.region, self.q = batch, category, region, q

    def query(self) -> str:
        return urlencode({k: v for k, v in (
            ("batch", self.batch), ("category", self.category.value if self.category else None),
            ("region", self.region), ("q", self.q),
        ) if v})

    async def fetch(
        self, session: AsyncSession, limit: int | None = None, offset: int = 0
    ) -> tuple[int, list[ListedUnitOut]]:
        total, rows = await self.rows(session, limit=limit, offset=offset)
        reports = await triennial.latest_reports(
            session, application_ids=[r.application_id for r in rows]
        )
        return total, [listed_unit_out(r, reports.get(r.application_id)) for r in rows]

    async def rows(
        self, session: AsyncSession, limit: int | None = None, offset: int = 0
    ) -> tuple[int, Sequence[ListedUnit]]:
        return await publication.public_list(
            session, batch=self.batch, category=self.category.value if self.category else None,
            region=self.region, q=self.q, limit=limit, offset=offset,
        )


FilterDep = Annotated[ListFilter, Depends()]


@router.get("/public/list", response_model=PublicList)
async def public_list(
    filters: FilterDep,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[Offset, Query()] = 0,
) -> PublicList:
    """The published Green Manufacturing List (no token needed)."""
    total, items = await filters.fetch(session, limit=limit, offset=offset)
    return PublicList(total=total, items=items)


@router.get("/public/list.csv", summary="the public list as CSV (UTF-8, opens in Excel)")
async def public_csv(filters: FilterDep, session: SessionDep, lang: Lang = "zh") -> Response:
    _, rows = await filters.rows(session)
    return Response(to_csv(table(rows, lang)), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="green-list.csv"'})


@router.get("/public/list.xlsx", summary="the public list as XLSX")
async def public_xlsx(filters: FilterDep, session: SessionDep, lang: Lang = "zh") -> Response:
    _, rows = await filters.rows(session)
    return Response(
        to_xlsx(table(rows, lang), "绿色制造名单" if lang == "zh" else "Green list"),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="green-list.xlsx"'},
    )


@pages.get("/public", response_class=HTMLResponse, summary="the public list, as a page")
async def public_page(
    filters: FilterDep, session: SessionDep, templates: TemplatesDep, lang: Lang = "zh"
) -> str:
    total, items = await filters.fetch(session, limit=1000)
    return templates.get_template("public_list.html").render(
        lang=lang, items=items, total=total, batch=filters.batch, region=filters.region,
        q=filters.q,
        category=filters.category.value if filters.category else None,
        categories=[c.value for c in Category], query=filters.query(), china=CHINA,
    )


@pages.get(
    "/public/announcements/{batch}",
    response_class=HTMLResponse,
    summary="the publication announcement",
)
async def announcement(
    batch: BatchCode, session: SessionDep, templates: TemplatesDep, lang: Lang = "zh"
) -> str:
    total, rows = await publication.public_list(
        session, batch=batch, category=None, region=None, q=None, limit=None
    )
    if not total:
        raise not_found(f"published list of batch {batch}", f"批次{batch}的公布名单")
    sections = [(c.value, [r for r in rows if r.category == c.value]) for c in Category]
    published = min(r.published_at for r in rows).astimezone(CHINA)
    return templates.get_template("announcement.html").render(
        lang=lang, batch=batch, total=total, sections=[s for s in sections if s[1]],
        title=(f"关于公布{batch}批绿色制造名单的通告" if lang == "zh"
               else f"Announcement of the Green Manufacturing List, batch {batch}"),
        published=(
            published.strftime("%Y年%m月%d日") if lang == "zh" else published.strftime("%d %B %Y")
        ),
    )
