"""The documents the program hands out, one module per kind of document.

- :mod:`tracker.outputs.ledger` — the 工作台账 (.xlsx), printable as it comes out;
- :mod:`tracker.outputs.forms` — the 填报表 sent to units (.xlsx), and
  :mod:`tracker.outputs.forms_import` reading them back;
- :mod:`tracker.outputs.report` — the 半年 / 年度工作进展情况报告 (.docx, GB/T 9704 layout);
- :mod:`tracker.outputs.pilots_overview` — the DRC's overview of all pilots (.xlsx), and
  :mod:`tracker.outputs.projects` — a pilot's key projects out and back (.xlsx).

:mod:`tracker.outputs.rows` reads the plan, its units and the reports once for all of them;
:mod:`tracker.outputs.common` holds what they share (results, progress and cancel, atomic
writes, escaping of user text). Fixed wording and layout numbers are in
``resources/outputs/``. Every export is a plain function taking a progress callback and a
cancel check and returning an :class:`~tracker.outputs.common.ExportResult`; none touches Qt.
"""
