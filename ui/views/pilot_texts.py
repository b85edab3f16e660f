"""Every Chinese text of the 试点 screen — the view, its dialogs and their controllers
(:mod:`ui.pilots`, :mod:`ui.pilot_dialogs`) — in one place. The words the core owns (pilot
types, stages, review states, verdicts) come from the services, never from here."""

from __future__ import annotations

TAB = "试点"

# ---------------------------------------------------------------- the tables
TYPE_HEADERS = ("试点类型", "试点数 / 定额")
PILOT_HEADERS = (
    "类型",
    "试点主体",
    "所在地区",
    "建设状态",
    "任务完成",
    "项目",
    "半年报告",
    "评估",
    "整改",
)
TASK_HEADERS = ("序号", "任务", "主要工作", "牵头单位", "任务状态")
PROJECT_HEADERS = (
    "编号", "项目名称", "项目业主", "阶段", "阶段日期", "总投资", "年度计划", "年度完成",
    "累计完成", "预计减碳", "本期进展",
)  # fmt: skip
YEAR_PLANNED = "{year}年计划"
YEAR_COMPLETED = "{year}年完成"
EXPERIENCE_HEADERS = ("标题", "类别", "报告期", "标签", "选入报告", "推广")
ALL_TYPES = "全部类型"
QUOTA = "{count} / {quota}"
QUOTA_OVER_TIP = "{type}试点 {count} 个，超出方案定额 {quota} 个（仅提示）"
QUOTA_TIP = "{type}试点 {count} 个，方案定额 {quota} 个"
YES = "✓"
NONE = "—"
RATE = "{done}/{total}（{rate:.0%}）"
DAYS_LATE = "逾期 {days} 天"
DAYS_LEFT = "剩 {days} 天"
RECTIFIED_ON = "已整改 {on}"
DEADLINE = "限 {deadline}（{when}）"
LATE_MARK = "（逾期报送）"

# ---------------------------------------------------------------- the view
PERIOD = "报告期："
PERIOD_TIP = "半年报告、任务状态、项目投资和评估所属的报告期"
SUMMARY = "共 {count} 个试点　半年报告：已报送 {sent} 个，未报送 {owed} 个（逾期 {late} 个）　待整改 {open} 个"
EXPORT_OVERVIEW = "导出试点总览…"
EXPORT_OVERVIEW_TIP = (
    "把所列试点本期的任务、项目、投资、报告和评估导出为 .xlsx（A3 横向可直接打印）"
)
REFRESH = "刷新"
NO_PILOT = "没有可查看的试点。"
HEADER = (
    "<b>{name}</b>　{type}试点　{region}　主管：{supervisor}　{status}　批复：{approved}　{plan}"
)
HEADER_PLAN = "《{title}》"
HEADER_NO_PLAN = "尚无试点实施方案"
REPORT_TAB = "半年报告"
TASKS_TAB = "重点任务"
PROJECTS_TAB = "重大项目"
EXPERIENCE_TAB = "经验做法"
SECTION_HINTS = {
    "overall": "本期试点建设的总体情况（必填，报送前须填写）",
    "innovation": "政策机制、管理制度方面的创新举措",
    "problems": "试点建设中遇到的困难和问题",
    "next_steps": "下一报告期的主要工作安排",
}
SAVE = "保存(&S)"
SAVE_TIP = "保存四部分文字；报送前可随时修改"
SUBMIT = "报送…"
SUBMIT_TIP = "报送地级市发展改革委审核"
APPROVE = "市级审核通过"
APPROVE_TIP = "审核通过，报自治区发展改革委"
ACCEPT = "自治区审核通过"
ACCEPT_TIP = "自治区发展改革委审核通过（接收）"
RETURN = "退回…"
RETURN_TIP = "退回试点主体修改，须说明理由"
EXPORT_REPORT = "导出报告…"
EXPORT_REPORT_TIP = "导出本期试点建设进展情况报告（.docx，公文格式）"
EVALUATION_BOX = "评估"
EVALUATE = "评估…"
EVALUATE_TIP = "成效突出（通报表扬）、正常或进度滞后（限期整改）"
RECTIFY = "确认整改…"
RECTIFY_TIP = "确认限期整改已完成，该试点不再出现在催办中"
NO_EVALUATION = "本期尚未评估。"
EVALUATION = "<b style='color:{color}'>{verdict}</b>{action}　{by} {at}{deadline}{comment}"
EVALUATION_DEADLINE = "<br/>整改期限：{deadline}（{when}）"
EVALUATION_RECTIFIED = "<br/>已于 {on} 确认整改{note}"
STATE = "<b>{state}</b>　截止 {due}{when}{facts}"
STATE_DAYS_LEFT = "，剩 {days} 天"
STATE_DAYS_LATE = "，<span style='color:#c62828'>已逾期 {days} 天</span>"
STATE_LATE = "（逾期报送）"
FACT_SUBMITTED = "<br/>报送：{by} {at}"
FACT_CITY = "<br/>市级审核：{by} {at}"
FACT_ACCEPTED = "<br/>自治区审核：{by} {at}"
FACT_RETURNED = "<br/><span style='color:#c62828'>{level}退回：{by} {at}，理由：{reason}</span>"
READ_ONLY_NOTE = "（只读：报告由试点主体填写）"
LOCKED_NOTE = "（报告已报送，审核方退回后才能修改）"
TASKS_INFO = "试点实施方案共 {count} 项任务；任务的进展在“任务”页中像其他实施方案一样填报。"
TASKS_NO_PLAN = (
    "该试点还没有试点实施方案（可用命令 tracker pilot import-plan 或 pilot add-task 建立）。"
)
TASKS_NO_PERIOD = "试点实施方案中没有这个报告期。"
OPEN_PLAN = "在任务页中打开…"
OPEN_PLAN_TIP = "在“任务”页打开该试点的实施方案，填报或查看各项任务的进展"
PROJECTS_INFO = "{count} 个项目，总投资 {total} 万元；金额单位：万元，减碳量单位：万吨CO₂"
ADD_PROJECT = "添加项目…"
EDIT_PROJECT = "修改…"
STAGE = "变更阶段…"
NOTE = "本期进展…"
EXPORT_SHEET = "导出项目表…"
EXPORT_SHEET_TIP = "导出为 .xlsx，填写后可导入（灰色列不能修改）"
IMPORT_SHEET = "导入项目表…"
IMPORT_SHEET_TIP = "导入填写好的项目表：整个文件检查无误才导入，有任何问题都不会改动数据库"
ADD_EXPERIENCE = "添加…"
EDIT_EXPERIENCE = "修改…"
CHOOSE = "选入报告"
UNCHOOSE = "取消选入"
CHOOSE_TIP = "选入本试点的半年报告（经验做法与典型案例）"
PROMOTE = "推广"
UNPROMOTE = "取消推广"
PROMOTE_TIP = "由自治区发展改革委列入推广"
EXPERIENCE_PLACEHOLDER = "选择一条经验做法，这里显示它的内容。"
EXPERIENCE_PREVIEW = "<h3>{title}</h3><p style='color:#555'>{kind}　{period}　{tags}{marks}</p><p><b>{summary}</b></p>{body}"
EXPERIENCE_MARK_CHOSEN = "　已选入报告"
EXPERIENCE_MARK_PROMOTED = "　已列入推广"

# ---------------------------------------------------------------- the controller
TITLE = "试点"
SAVED = "已保存 {pilot} {period} 的半年报告。"
SUBMITTED = "已报送 {pilot} {period} 的半年报告，等待地级市发展改革委审核。"
APPROVED = "已审核通过 {pilot} {period} 的半年报告，报自治区发展改革委。"
ACCEPTED = "自治区已审核 {pilot} {period} 的半年报告。"
RETURNED = "已退回 {pilot} {period} 的半年报告。"
EVALUATED = "已评估 {pilot} {period}：{verdict}。"
RECTIFIED = "已确认 {pilot} 整改完成。"
SUBMIT_CONFIRM_TITLE = "报送半年报告"
SUBMIT_CONFIRM = "报送 {pilot} {period} 的半年报告？\n\n报送后不能再修改，除非审核方退回。"
SUBMIT_YES = "报送"
RETURN_TITLE = "退回半年报告"
RETURN_PROMPT = "退回 {pilot} {period} 的半年报告。请说明理由（试点主体将在报告顶部看到）："
RECTIFY_TITLE = "确认整改"
RECTIFY_PROMPT = "确认 {pilot} 已按要求完成整改（{period} 评估：进度滞后）。整改情况（可不填）："
UNSAVED_TITLE = "半年报告未保存"
UNSAVED_TEXT = "{pilot} {period} 的半年报告有尚未保存的修改。\n\n是否保存？"
SAVE_ANSWER = "保存"
DISCARD_ANSWER = "不保存"
EXPORTING_REPORT = "正在导出试点建设进展情况报告"
EXPORTING_OVERVIEW = "正在导出试点总览"
EXPORTING_SHEET = "正在导出重大项目表"
IMPORTING_SHEET = "正在导入重大项目表"
EXPORT_DONE_TITLE = "导出完成"
EXPORT_DONE = "已导出：{path}"
OPEN_FILE = "打开文件"
OPEN_FOLDER = "打开所在文件夹"
CANCELLED = "已取消导出，没有写入任何文件。"
CANNOT_OPEN = "无法打开“{path}”：系统中没有能打开该文件的程序。"
REPORT_FILE = "{pilot}{period}试点建设进展情况报告.docx"
OVERVIEW_FILE = "试点建设情况总览（{period}）.xlsx"
SHEET_FILE = "{pilot}重大项目表.xlsx"
SAVE_REPORT_TITLE = "导出试点建设进展情况报告"
SAVE_OVERVIEW_TITLE = "导出试点总览"
SAVE_SHEET_TITLE = "导出重大项目表"
OPEN_SHEET_TITLE = "导入重大项目表"
DOCX_FILTER = "Word 文档 (*.docx)"
XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
IMPORTED = "已导入“{file}”（{pilot}）：{counts}。"
IMPORTED_NOTHING = "没有项目"
WARNINGS = "\n\n提示：\n{warnings}"
PROJECT_SAVED = "已保存项目“{name}”。"
STAGE_CHANGED = "项目“{name}”已变更为{stage}阶段。"
NOTE_SAVED = "已保存项目“{name}”{period}的进展。"
NOTE_TITLE = "本期进展"
NOTE_PROMPT = "项目“{name}”{period}的进展："
EXPERIENCE_SAVED = "已保存“{title}”。"
CHOSEN = "已把“{title}”选入半年报告。"
UNCHOSEN = "已把“{title}”移出半年报告。"
PROMOTED = "已把“{title}”列入推广。"
UNPROMOTED = "已取消“{title}”的推广。"

# ---------------------------------------------------------------- the dialogs
OK = "确定"
CANCEL = "取消"
PROJECT_ADD_TITLE = "添加重大项目"
PROJECT_EDIT_TITLE = "修改重大项目"
PROJECT_FIELDS = {
    "name": "项目名称",
    "owner": "项目业主",
    "location": "建设地点",
    "total_investment": "总投资（万元）",
    "expected_reduction": "预计减碳量（万吨CO₂）",
    "planned_start": "计划开工日期",
    "planned_finish": "计划建成日期",
}
PROJECT_YEAR_PLANNED = "{year}年计划投资（万元）"
PROJECT_YEAR_COMPLETED = "{year}年完成投资（万元）"
DATE_HINT = "如 2025-03-01，可不填"
AMOUNT_HINT = "最多 4 位小数，可不填"
PROJECT_NOTE = "新项目从“谋划”阶段开始，之后用“变更阶段”记录开工、投产、达效；其他年度的投资和关联任务可在项目表（Excel）中填写。"
STAGE_TITLE = "变更项目阶段"
STAGE_CURRENT = "项目“{name}”目前处于<b>{stage}</b>阶段{since}。"
STAGE_SINCE = "（{date}）"
STAGE_TO = "变更为："
STAGE_DATE = "{stage}日期："
STAGE_BACK_DATE = "退回日期："
STAGE_PASSED = "跳过的{stage}阶段的日期："
STAGE_REASON = "退回理由："
STAGE_REASON_HINT = "退回到前一阶段须说明理由"
STAGE_RULE = "前进一级直接记录；跳级须同时给出所跳过阶段的日期（程序不替跳过的阶段编造日期）；退回须说明理由。日期不能晚于今天。"
EXPERIENCE_ADD_TITLE = "添加经验做法"
EXPERIENCE_EDIT_TITLE = "修改经验做法"
EXPERIENCE_FIELDS = {
    "title": "标题",
    "kind": "类别",
    "period": "报告期",
    "tags": "标签",
    "summary": "摘要",
    "body": "正文",
    "chosen": "选入本期半年报告",
}
EXPERIENCE_NO_PERIOD = "（不属于某一报告期）"
TAGS_HINT = "多个标签用顿号分隔，如 光伏、合同能源管理"
EVALUATE_TITLE = "评估试点"
EVALUATE_INTRO = "{pilot}　{period}"
EVALUATE_VERDICT = "评估结论："
EVALUATE_DEADLINE = "整改期限："
EVALUATE_COMMENT = "评估意见："
EVALUATE_NOTE = "进度滞后须给出整改期限（不早于今天），期限出现在催办中，直到确认整改。再次评估会替换本期的评估。"
TEXT_OPTIONAL = "（可不填）"
