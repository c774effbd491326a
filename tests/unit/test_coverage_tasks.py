"""The warning of actions no connector can measure (``sync_jobs.coverage``), for quote follow-ups on HubSpot: measured
only when the mapping reads tasks (``activities.tasks``) with a task type or subject keyword mapped to them."""

from connectors.hubspot.mapping import load_mapping
from pac_config.planfile import load_plan_text
from pac_core.plan import ActivityType
from sync_jobs.coverage import unmeasured
from tests.fakes import audit_plan

JULIE = "  - {email: julie@audit.example, name: Julie Martin, role: rep}\n"

PLAN = load_plan_text(audit_plan("Relances", "fr", """\
  - {id: A-5, axis: AX-RA, text: "Relancer 5 devis au T2", who: julie@audit.example,
     what: {activity: quote_follow_up, count: 5, counting: activities}, when: "Q2 2027", status: in_progress}
""", people=JULIE, client_axis=False))
SHIPPED = load_mapping()


def _tasks(**update):
    tasks = SHIPPED.activities.tasks.model_copy(update=update)
    return SHIPPED.model_copy(update={"activities": SHIPPED.activities.model_copy(update={"tasks": tasks})})


def test_quote_follow_up_on_hubspot_is_warned_of_until_tasks_are_read():
    """The shipped mapping reads no tasks: A-5 is warned of, and the fix says to enable them (its subjects already read
    « Relance devis » tasks as quote follow-ups) or to map a meeting type."""
    [warning] = unmeasured(PLAN, [("hs-west", "hubspot", SHIPPED)])
    assert warning.startswith("action A-5 counts 'quote_follow_up' activities, which none of the plan's connectors "
                              "reads (hs-west (hubspot))")
    assert "set activities.tasks.enabled: true to read HubSpot tasks (opt-in): its subjects already read as " \
           "quote_follow_up tasks titled 'Relance devis', 'Relance de devis', 'Quote follow-up'" in warning
    assert "activities.meetings.types" in warning


def test_tasks_enabled_measure_it_and_a_type_no_task_maps_to_is_still_warned_of():
    assert unmeasured(PLAN, [("hs-west", "hubspot", _tasks(enabled=True))]) == []
    none_for_it = _tasks(enabled=True, subjects={"Rappel": ActivityType.CALL})
    [warning] = unmeasured(PLAN, [("hs-west", "hubspot", none_for_it)])
    assert "map a task type or subject keyword to quote_follow_up (activities.tasks.types or subjects)" in warning
    by_type = _tasks(enabled=True, subjects={}, types={"TODO": ActivityType.QUOTE_FOLLOW_UP})
    assert unmeasured(PLAN, [("hs-west", "hubspot", by_type)]) == []
