"""The peer-mentoring cycle of seed 003, the default stages of a peer-mentoring programme."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

PEER_MENTORING_CYCLE = [
    (
        _("Programme orientation and matching"),
        [
            _("Introduce participants to the mentoring programme and its objectives."),
            _("Collect information from participants to identify their needs and preferences."),
            _("Match mentors and mentees by compatible goals, interests and experience."),
        ],
    ),
    (
        _("Relationship building"),
        [
            _("Give mentors and mentees guidelines and resources for a positive relationship."),
            _("Hold an initial meeting so that mentors and mentees get to know each other."),
            _("Encourage open communication and build trust."),
        ],
    ),
    (
        _("Goal setting and action plan"),
        [
            _("Help mentees identify their goals and aspirations."),
            _("Guide mentors to help mentees set SMART goals."),
            _("Develop action plans with the steps needed to reach each goal."),
        ],
    ),
    (
        _("Regular meetings and support"),
        [
            _("Encourage pairs to meet regularly, in person or virtually."),
            _("Give mentors and mentees ongoing support and resources."),
            _("Keep a safe space where mentees can talk about their challenges."),
        ],
    ),
    (
        _("Skills development and knowledge sharing"),
        [
            _("Encourage mentors to share their experience and knowledge."),
            _("Offer workshops, seminars or training sessions on specific skills."),
            _("Foster a culture of continuous learning in the mentoring relationship."),
        ],
    ),
    (
        _("Progress evaluation and feedback"),
        [
            _("Assess mentees' progress towards their goals periodically."),
            _("Gather feedback from mentors and mentees on the relationship."),
            _("Give constructive feedback to help mentees improve and overcome challenges."),
        ],
    ),
    (
        _("Closure and transition"),
        [
            _("Help mentees conclude by summarising their achievements and progress."),
            _("Hold a closing meeting or event to celebrate achievements."),
            _("Provide resources for the transition to the next stage of their path."),
        ],
    ),
]


def default_stages(language=None):
    """The cycle as StreamField data (``[("stage", {...}), ...]``) in ``language``."""
    with translation.override(language):
        return [
            (
                "stage",
                {
                    "title": str(title),
                    "description": "",
                    "activities": [str(activity) for activity in activities],
                },
            )
            for title, activities in PEER_MENTORING_CYCLE
        ]
