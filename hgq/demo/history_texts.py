"""Phrases of the demo zone's history (:mod:`hgq.demo.history`): what officers,
leaders and enterprises write as a case moves on. The requests themselves are in
:mod:`hgq.demo.history_matters`.
"""

from __future__ import annotations

# The first answer when it is a reply rather than a plain 受理.
FIRST_REPLIES = (
    "已收到，正在与相关部门对接，预计3个工作日内答复。",
    "已将诉求转交行业部门，正在跟踪办理进度。",
    "已约相关部门近期到企业现场办公，具体时间另行通知。",
)
PROGRESS_REPLIES = (
    "相关部门已到现场核实情况，正在研究办理方案。",
    "已与行业部门会商，办理方案本周内报领导审定。",
)
INTERNAL_NOTES = (
    "已电话联系行业部门经办人，对方表示本周内出具意见。",
    "已到企业现场核实情况，相关材料已收集齐全。",
)
ESCALATE_TO_LEADER = (
    "涉及多个部门协调，超出责任人协调范围，提请包保领导会商。",
    "需协调市级部门，提请包保领导出面协调。",
    "涉及资金安排，提请包保领导研究。",
)
ESCALATE_TO_COMMITTEE = (
    "涉及政策调整和资金安排，提请工委管委集中研究决定。",
    "多个部门意见不一致，提请工委管委集中研究。",
)
PAUSE_NOTES = (
    "需企业补充相关证明材料，材料齐全后继续办理。",
    "等待企业提供项目备案文件。",
)
RESUME_NOTE = "企业已补齐材料，恢复办理。"
EXTENSION_NOTES = (
    "需等待第三方机构出具检测报告，申请延期{days}个工作日。",
    "涉及多个部门会签，申请延期{days}个工作日。",
)
EXTENSION_APPROVED = "同意延期，请抓紧办理。"
# Before the reply of a case resolved above level 1.
LEVEL_PREFIX = {1: "", 2: "经包保领导协调：", 3: "经工委管委研究："}
REDO_REPLIES = (
    "根据企业反馈意见重新办理：已再次与相关部门会商，落实了企业提出的具体要求，"
    "书面答复已送达企业。",
    "重新办理：已组织相关部门到企业现场办公，逐项答复了企业关注的问题，"
    "后续事项明确了责任人和时限。",
)
COMMENTS_SATISFIED = (
    "办理及时，感谢！",
    "响应很快，服务到位。",
    "包保干部多次上门协调，非常感谢。",
    "问题已解决，效率很高。",
    "",
    "",
    "",
)
COMMENTS_BASIC = ("基本解决，希望后续继续跟进。", "答复清楚，但办理时间稍长。", "", "")
COMMENTS_UNSOLVED = ("问题还没有根本解决，希望继续关注。", "能理解政策限制，感谢解释。", "")
COMMENTS_DISSATISFIED = (
    "办理进度太慢，影响了正常生产。",
    "协调结果与我们的诉求差距较大。",
    "问题反复出现，没有从根本上解决。",
)
# … when the answer was an explanation.
DISSATISFIED_EXPLAINED = "答复只是解释政策，实际困难没有解决。"
# Why an enterprise dissatisfied with a result withdraws the reopened case.
WITHDRAW_AFTER_REOPEN = (
    "项目计划调整，该事项暂不需要协调，撤回。",
    "已与对方协商处理，撤回诉求。",
)
VISIT_SUMMARIES = (
    "走访企业了解生产经营情况，企业反映：{title}。",
    "上门座谈，听取企业近期困难和诉求，现场登记：{title}。",
)
