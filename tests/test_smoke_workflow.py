from tests.factories import create_nomination
from workflow.states import State


def test_commune_nomination_climbs_to_district_approved(world):
    nomination = create_nomination(world, state=State.district_approved)
    assert [e.action for e in nomination.events] == ["create", "submit", "approve", "approve"]
    assert nomination.awaiting_role == "secretariat"
