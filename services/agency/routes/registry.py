"""The registry: agencies, their roster and qualification, relations and groups, and who
prepared an application's self-evaluation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.agency import repository
from services.agency.deps import (
    MinistryDep,
    PrincipalDep,
    RuleBookDep,
    SessionDep,
    TemporalDep,
    UnitOfWorkDep,
)
from services.agency.models import Agency
from services.agency.qualification import assess as qualify
from services.agency.routes.common import rule_set_of_batch, today
from services.agency.schemas import (
    AgencyOut,
    GroupOut,
    PreparerIn,
    PreparerOut,
    QualificationOut,
    RelationIn,
    RelationOut,
)
from shared.contracts.agency import AgencyRegistration, Roster
from shared.contracts.auth import Principal, Role
from shared.contracts.bounds import Identifier, SaneDate
from shared.deps import release
from shared.errors import ErrorCode
from shared.http import ApiError, not_found
from shared.rules import RuleSetError

router = APIRouter(tags=["agency"])


def _require_self_or_ministry(principal: Principal, agency_id: str) -> None:
    if principal.role == Role.MINISTRY or (
        principal.role == Role.AGENCY and principal.scope == agency_id
    ):
        return
    raise ApiError(ErrorCode.FORBIDDEN, "only the agency itself or the ministry may do this",
                   "仅机构本身或工业和信息化部可以执行此操作")


async def _agency(session: AsyncSession, agency_id: str) -> Agency:
    agency = await repository.get_agency(session, agency_id=agency_id)
    if agency is None:
        raise not_found(f"agency {agency_id}", f"机构{agency_id}")
    return agency


async def _agency_out(session: AsyncSession, agency: Agency) -> AgencyOut:
    ban = await repository.active_ban(session, agency_id=agency.id)
    out = AgencyOut.model_validate(agency, from_attributes=True)
    out.banned_until = ban.ends_at if ban else None
    return out


@router.post("/agencies", status_code=status.HTTP_201_CREATED, response_model=AgencyOut)
async def register_agency(
    body: AgencyRegistration, principal: PrincipalDep, uow: UnitOfWorkDep, rules: RuleBookDep,
) -> AgencyOut:
    """Register an agency (the agency itself, whose token scope is its credit code, or the
    ministry). Its qualification is computed against the current rule set and stored."""
    if not (principal.role == Role.MINISTRY
            or (principal.role == Role.AGENCY and principal.scope == body.credit_code)):
        raise ApiError(ErrorCode.FORBIDDEN, "an agency registers itself under its own credit code",
                       "机构只能以本机构的统一社会信用代码注册", field="credit_code")
    current = rules.current()
    qualification = qualify(body, current.agency, rule_set=current.code, on=today(current))
    try:
        agency = await repository.add_agency(uow.session, body=body, qualification=qualification)
        await uow.commit()
    except IntegrityError as err:
        raise ApiError(ErrorCode.DUPLICATE, f"agency {body.credit_code} is registered already",
                       f"机构{body.credit_code}已经注册", field="credit_code") from err
    return await _agency_out(uow.session, agency)


@router.get("/agencies/{agency_id}", response_model=AgencyOut)
async def get_agency(agency_id: Identifier, _: PrincipalDep, session: SessionDep) -> AgencyOut:
    """One registered agency, with its stored qualification and any ban in force."""
    return await _agency_out(session, await _agency(session, agency_id))


@router.put("/agencies/{agency_id}/roster", response_model=AgencyOut)
async def replace_roster(
    agency_id: Identifier, body: Roster, principal: PrincipalDep, uow: UnitOfWorkDep,
    rules: RuleBookDep,
) -> AgencyOut:
    """Replace the staff roster (and the work record, when given); the qualification is
    recomputed and stored."""
    _require_self_or_ministry(principal, agency_id)
    agency = await _agency(uow.session, agency_id)
    registration = repository.registration_of(agency).model_copy(
        update={"staff": body.staff} | ({"records": body.records} if body.records is not None
                                        else {}))
    current = rules.current()
    qualification = qualify(registration, current.agency, rule_set=current.code,
                            on=today(current))
    await repository.replace_roster(uow.session, agency=agency, roster=body,
                                    qualification=qualification)
    await uow.commit()
    return await _agency_out(uow.session, agency)


@router.get("/agencies/{agency_id}/qualification", response_model=QualificationOut)
async def get_qualification(
    agency_id: Identifier, _: PrincipalDep, session: SessionDep, rules: RuleBookDep,
    rule_set: Annotated[str | None, Query(max_length=32)] = None,
    on: SaneDate | None = None,
) -> QualificationOut:
    """Every condition met or not, and why, computed now (or as of `on`) against the current
    rule set (or `rule_set`)."""
    agency = await _agency(session, agency_id)
    try:
        chosen = rules.get(rule_set) if rule_set else rules.current()
    except RuleSetError as err:
        raise ApiError(ErrorCode.INVALID, str(err), f"找不到规则集{rule_set}",
                       field="rule_set") from err
    result = qualify(repository.registration_of(agency), chosen.agency, rule_set=chosen.code,
                     on=on or today(chosen))
    return QualificationOut(**result.model_dump(), stored=agency.qualification)


@router.post("/agencies/{agency_id}/relations", status_code=status.HTTP_201_CREATED,
             response_model=RelationOut)
async def add_relation(
    agency_id: Identifier, body: RelationIn, principal: PrincipalDep, uow: UnitOfWorkDep,
) -> RelationOut:
    """Declare a related enterprise or institution (the agency), or record one (the ministry).
    Relations form groups transitively; a group shares the cap."""
    _require_self_or_ministry(principal, agency_id)
    await _agency(uow.session, agency_id)
    if body.related_code == agency_id:
        raise ApiError(ErrorCode.INVALID, "an agency is not related to itself",
                       "机构不能与自身建立关联关系", field="related_code")
    try:
        relation = await repository.add_relation(
            uow.session, agency_id=agency_id, related_code=body.related_code, kind=body.kind,
            declared_by="ministry" if principal.role == Role.MINISTRY else "agency",
            note=body.note)
        await uow.commit()
    except IntegrityError as err:
        raise ApiError(ErrorCode.DUPLICATE,
                       f"{agency_id} and {body.related_code} are related already",
                       f"{agency_id}与{body.related_code}的关联关系已经登记",
                       field="related_code") from err
    return RelationOut.model_validate(relation, from_attributes=True)


@router.get("/agencies/{agency_id}/group", response_model=GroupOut)
async def get_group(
    agency_id: Identifier, principal: PrincipalDep, session: SessionDep, rules: RuleBookDep,
    temporal: TemporalDep, batch: Annotated[str | None, Query(max_length=32)] = None,
) -> GroupOut:
    """The agency's group and, for `batch`, the evaluation projects each member carries."""
    _require_self_or_ministry(principal, agency_id)
    await _agency(session, agency_id)
    group = await repository.group_of(session, code=agency_id)
    relations = await repository.list_relations(session, codes=set(group.codes))
    out = GroupOut(agency_id=agency_id, members=list(group.agencies),
                   entities=sorted(group.codes),
                   relations=[RelationOut.model_validate(r, from_attributes=True)
                              for r in relations])
    if batch:
        await release(session)  # the batch's rule set is asked of its workflow
        rule_set = await rule_set_of_batch(temporal, rules, batch)
        out.batch = batch
        out.projects = await repository.count_projects(
            session, agency_ids=group.agencies, batch=batch,
            categories=[c.value for c in rule_set.agency.counted_categories])
        out.total = sum(out.projects.values())
    return out


@router.post("/applications/{application_id}/self-evaluation-preparers",
             status_code=status.HTTP_201_CREATED, response_model=PreparerOut)
async def record_preparer(
    application_id: Identifier, body: PreparerIn, ministry: MinistryDep, uow: UnitOfWorkDep,
) -> PreparerOut:
    """The ministry records who prepared an application's self-evaluation; that party and
    its group cannot evaluate the application."""
    await repository.add_preparer(uow.session, application_id=application_id,
                                  preparer_code=body.credit_code, recorded_by=ministry.label())
    await uow.commit()
    return PreparerOut(application_id=application_id, credit_code=body.credit_code)
