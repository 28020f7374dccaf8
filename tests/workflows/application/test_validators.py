"""The ApplicationWorkflow's validators called directly: each refusal (wrong stage, wrong
actor, duplicate) carries its code and a Chinese message for the official who reads it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from temporalio.exceptions import ApplicationError

import workflows.application.workflow as module
from shared.contracts.application import (
    AcceptEngagementCommand,
    ApplicationCase,
    DecisionCommand,
    EntrustCommand,
    InformationAnswer,
    RecommendationCommand,
    ReportCommand,
    Stage,
    StageTransition,
    SubmitCommand,
)
from shared.contracts.auth import Principal, Role
from shared.contracts.events import Facts
from shared.errors import ErrorCode
from shared.rules.model import Category
from shared.temporal import TaskQueues
from workflows.application.workflow import ApplicationWorkflow

CREDIT = "91350100M000100Y43"
APPLICANT = Principal(role=Role.APPLICANT, scope=CREDIT)
OTHER_APPLICANT = Principal(role=Role.APPLICANT, scope="91110000MA00000000")
AGENCY = Principal(role=Role.AGENCY, scope="ag1")
PROVINCE = Principal(role=Role.PROVINCE, scope="110000")
MINISTRY = Principal(role=Role.MINISTRY)
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _outside_a_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    # The task queues come from the running workflow's info; validators never use them.
    monkeypatch.setattr(module, "own_queues", lambda: TaskQueues(""))


def case_at(
    stage: Stage, *, last: str | None = None, engagement: bool = False,
    category: Category = Category.GREEN_FACTORY,
) -> ApplicationWorkflow:
    """A case's workflow state at `stage`, its last transition `last`, with or without an
    accepted engagement."""
    wf = ApplicationWorkflow(ApplicationCase(
        application_id="2020-5-110000-FAAAAAA", batch="2020-5", category=category,
        region="110000", applicant_name="北京示例工厂", credit_code=CREDIT,
        needs_evaluation=category != Category.GREEN_DESIGN_PRODUCT,
    ))
    wf._stage = stage
    if last is not None:
        wf._history.append(StageTransition(
            seq=1, stage=stage, fact=last, actor=MINISTRY, at=datetime(2020, 6, 1, tzinfo=UTC)
        ))
    if engagement:
        wf._engagement_id, wf._agency_id = "e1", "ag1"
    return wf


def refused(check: Callable[[], None]) -> dict[str, Any]:
    with pytest.raises(ApplicationError) as err:
        check()
    assert err.value.non_retryable
    body: dict[str, Any] = err.value.details[0]
    assert body["code"] == err.value.type and body["message"] == err.value.message
    assert HAN.search(body["message_zh"]), body["message_zh"]
    return body


def test_submit() -> None:
    draft = case_at(Stage.DRAFT)
    draft._check_submit(SubmitCommand(actor=APPLICANT))
    body = refused(lambda: draft._check_submit(SubmitCommand(actor=AGENCY)))
    assert body["code"] == ErrorCode.FORBIDDEN
    assert body["message_zh"] == "只有申报单位可以执行此操作，评价机构不能"
    body = refused(lambda: draft._check_submit(SubmitCommand(actor=OTHER_APPLICANT)))
    assert body["code"] == ErrorCode.FORBIDDEN and "职责范围" in body["message_zh"]
    submitted = case_at(Stage.EVALUATION, last=Facts.APPLICATION_SUBMITTED)
    body = refused(lambda: submitted._check_submit(SubmitCommand(actor=APPLICANT)))
    assert body["code"] == ErrorCode.DUPLICATE
    assert body["message_zh"].endswith("不能重复提交申报")
    reviewing = case_at(Stage.MINISTRY_REVIEW, last=Facts.APPLICATION_RECOMMENDED)
    body = refused(lambda: reviewing._check_submit(SubmitCommand(actor=APPLICANT)))
    assert body["code"] == ErrorCode.WRONG_STAGE and body["stage"] == "ministry_review"
    assert body["message_zh"] == "申报处于“工业和信息化部审核”阶段，不能提交申报"


def test_entrust() -> None:
    entrust = EntrustCommand(actor=APPLICANT, agency_id="ag1")
    case_at(Stage.EVALUATION)._check_entrust(entrust)
    # Another applicant is told nothing of the case: not found, as the HTTP answer is.
    body = refused(lambda: case_at(Stage.EVALUATION)._check_entrust(
        EntrustCommand(actor=OTHER_APPLICANT, agency_id="ag1")))
    assert body["code"] == ErrorCode.NOT_FOUND and body["message_zh"] == "未找到申报2020-5-110000-FAAAAAA"
    body = refused(lambda: case_at(Stage.EVALUATION)._check_entrust(
        EntrustCommand(actor=AGENCY, agency_id="ag1")))
    assert body["code"] == ErrorCode.NOT_FOUND
    body = refused(lambda: case_at(Stage.DRAFT)._check_entrust(entrust))
    assert body["code"] == ErrorCode.WRONG_STAGE
    assert body["message_zh"] == "申报处于“草稿”阶段，不能委托评价机构"
    body = refused(lambda: case_at(Stage.RECOMMENDATION, category=Category.GREEN_DESIGN_PRODUCT)
                   ._check_entrust(entrust))
    assert body["code"] == ErrorCode.WRONG_STAGE and body["message_zh"] == "绿色设计产品申报无需第三方评价"
    body = refused(lambda: case_at(Stage.EVALUATION, engagement=True)._check_entrust(entrust))
    assert body["code"] == ErrorCode.DUPLICATE and body["engagement_id"] == "e1"
    assert body["message_zh"] == "评价机构ag1已接受委托（e1），不能重复委托"


def test_accept_engagement() -> None:
    accept = AcceptEngagementCommand(actor=AGENCY, engagement_id="e1", agency_id="ag1")
    case_at(Stage.EVALUATION)._check_accept(accept)
    body = refused(lambda: case_at(Stage.EVALUATION)._check_accept(
        AcceptEngagementCommand(actor=AGENCY, engagement_id="e1", agency_id="ag2")))
    assert body["code"] == ErrorCode.FORBIDDEN
    body = refused(lambda: case_at(Stage.DRAFT)._check_accept(accept))
    assert body["code"] == ErrorCode.WRONG_STAGE and "接受委托" in body["message_zh"]
    body = refused(lambda: case_at(Stage.EVALUATION, engagement=True)._check_accept(accept))
    assert body["code"] == ErrorCode.DUPLICATE


def test_submit_report() -> None:
    report = ReportCommand(actor=AGENCY, engagement_id="e1", agency_id="ag1", passed=True)
    case_at(Stage.EVALUATION, engagement=True)._check_report(report)
    body = refused(lambda: case_at(Stage.EVALUATION)._check_report(report))
    assert body["code"] == ErrorCode.WRONG_STAGE and body["message_zh"] == "该申报尚无评价机构接受委托"
    body = refused(lambda: case_at(Stage.EVALUATION, engagement=True)._check_report(
        ReportCommand(actor=Principal(role=Role.AGENCY, scope="ag2"), engagement_id="e2",
                      agency_id="ag2", passed=True)))
    assert body["code"] == ErrorCode.FORBIDDEN
    body = refused(lambda: case_at(Stage.RECOMMENDATION, last=Facts.REPORT_SUBMITTED,
                                   engagement=True)._check_report(report))
    assert body["code"] == ErrorCode.DUPLICATE and "不能重复提交评价报告" in body["message_zh"]


def test_recommend() -> None:
    case_at(Stage.RECOMMENDATION)._check_recommend(
        RecommendationCommand(actor=PROVINCE, decision="recommend"))
    body = refused(lambda: case_at(Stage.RECOMMENDATION)._check_recommend(
        RecommendationCommand(actor=Principal(role=Role.PROVINCE, scope="310000"),
                              decision="recommend")))
    assert body["code"] == ErrorCode.FORBIDDEN
    body = refused(lambda: case_at(Stage.RECOMMENDATION)._check_recommend(
        RecommendationCommand(actor=PROVINCE, decision="return")))
    assert body["code"] == ErrorCode.INVALID and body["field"] == "reason"
    body = refused(lambda: case_at(Stage.MINISTRY_REVIEW, last=Facts.APPLICATION_RECOMMENDED)
                   ._check_recommend(RecommendationCommand(actor=PROVINCE, decision="recommend")))
    assert body["code"] == ErrorCode.DUPLICATE
    body = refused(lambda: case_at(Stage.EVALUATION)._check_recommend(
        RecommendationCommand(actor=PROVINCE, decision="recommend")))
    assert body["code"] == ErrorCode.WRONG_STAGE


def test_decide_and_information() -> None:
    approve = DecisionCommand(actor=MINISTRY, decision="approve")
    case_at(Stage.MINISTRY_REVIEW)._check_decide(approve)
    body = refused(lambda: case_at(Stage.MINISTRY_REVIEW)._check_decide(
        DecisionCommand(actor=PROVINCE, decision="approve")))
    assert body["code"] == ErrorCode.FORBIDDEN
    assert body["message_zh"] == "只有工业和信息化部可以执行此操作，推荐单位不能"
    body = refused(lambda: case_at(Stage.MINISTRY_REVIEW)._check_decide(
        DecisionCommand(actor=MINISTRY, decision="reject")))
    assert body["code"] == ErrorCode.INVALID and body["field"] == "reason"
    body = refused(lambda: case_at(Stage.APPROVED, last=Facts.APPLICATION_APPROVED)
                   ._check_decide(approve))
    assert body["code"] == ErrorCode.DUPLICATE
    assert body["message_zh"] == (
        "已于2020-06-01 08:00 (Asia/Shanghai)由工业和信息化部办理，不能重复作出审核决定"
    )
    body = refused(lambda: case_at(Stage.INFORMATION_REQUESTED)._check_provide_information(
        InformationAnswer(actor=PROVINCE, answer=" ")))
    assert body["code"] == ErrorCode.INVALID and body["field"] == "answer"
    body = refused(lambda: case_at(Stage.MINISTRY_REVIEW)._check_provide_information(
        InformationAnswer(actor=PROVINCE, answer="见附件")))
    assert body["code"] == ErrorCode.WRONG_STAGE
