"""Reading the audit log (the log itself is written by :mod:`tracker.services.audit`)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from tracker.db import Database
from tracker.models import AuditRecord, Task
from tracker.services.access import find_task, format_time, require_task_visible, task_scope
from tracker.services.actor import Actor

DEFAULT_LIMIT = 200

ACTION_LABELS = {
    "import": "导入实施方案",
    "add_alias": "添加单位别名",
    "merge_unit": "合并单位",
    "create_periods": "生成报告期",
    "remove_periods": "删除报告期",
    "set_schedule": "修改报告频次",
    "lock_period": "锁定报告期",
    "reopen_period": "重新开放报告期",
    "set_due_date": "修改截止日期",
    "create_report": "新建填报",
    "edit_report": "修改填报",
    "consolidate": "汇总配合单位填报",
    "add_evidence": "添加佐证材料",
    "remove_evidence": "删除佐证材料",
    "submit_report": "报送",
    "approve_report": "审核通过",
    "return_report": "退回",
    "add_instruction": "批示/督办意见",
    "add_user": "添加用户",
    "set_password": "修改密码",
    "set_user": "修改用户",
    "disable_user": "停用用户",
    "enable_user": "启用用户",
    "set_setting": "修改共享设置",
    "add_status": "添加状态",
    "edit_status": "修改状态",
    "rename_status": "重命名状态",
    "remove_status": "删除状态",
}
OBJECT_LABELS = {
    "plan": "实施方案",
    "task": "任务",
    "unit": "单位",
    "period": "报告期",
    "report": "填报",
    "instruction": "批示",
    "user": "用户",
    "setting": "共享设置",
    "status": "状态",
}
FIELD_LABELS = {
    "status": "状态",
    "progress": "工作进展",
    "results": "取得成效",
    "problems": "存在问题",
    "next_steps": "下步计划",
    "percent": "完成百分比",
    "state": "流程状态",
    "late": "逾期",
    "return_reason": "退回理由",
    "evidence": "佐证材料",
    "locked": "锁定",
    "reopen_reason": "重新开放理由",
    "due_date": "截止日期",
    "periods": "报告期",
    "cadence": "报告频次",
    "start_year": "起始年份",
    "horizon_year": "截止年份",
    "role": "角色",
    "unit": "单位",
    "alias": "别名",
    "password": "密码",
    "text": "内容",
    "disabled": "停用",
    "name": "名称",
    "position": "顺序",
}
_ACTUAL = re.compile(r"^actual\[(\d+)\]$")


def field_label(field: str | None) -> str | None:
    """The Chinese name of an audited field (``actual[3]`` → ``目标3实际值``)."""
    if field is None:
        return None
    match = _ACTUAL.match(field)
    if match:
        return f"目标{match.group(1)}实际值"
    return FIELD_LABELS.get(field, field)


def list_audit(
    db: Database, actor: Actor, *, task_id: int | None = None, limit: int | None = DEFAULT_LIMIT
) -> list[dict[str, Any]]:
    """Audit records, newest last: all of them for a coordinator, or those of one task.

    A unit reporter sees the records of the tasks where the unit leads or cooperates.
    ``limit`` keeps the newest records (None: all).
    """
    with db.reader() as session:
        query = select(AuditRecord)
        if task_id is not None:
            require_task_visible(session, actor, find_task(session, task_id))
            query = query.where(AuditRecord.task_id == task_id)
        elif not actor.is_coordinator:
            scope = task_scope(actor)
            assert scope is not None
            query = query.where(AuditRecord.task_id.in_(select(Task.id).where(scope)))
        query = query.order_by(AuditRecord.id.desc())
        if limit is not None:
            query = query.limit(limit)
        records = list(session.scalars(query))
        records.reverse()
        return [
            {
                "id": r.id,
                "at": format_time(r.at),
                "user": r.user_name,
                "action": r.action,
                "action_label": ACTION_LABELS.get(r.action, r.action),
                "object_type": r.object_type,
                "object_label": OBJECT_LABELS.get(r.object_type, r.object_type),
                "object_id": r.object_id,
                "task_id": r.task_id,
                "field": r.field,
                "field_label": field_label(r.field),
                "before": r.before,
                "after": r.after,
            }
            for r in records
        ]
