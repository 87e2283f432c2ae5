"""Demo tutoring of an institution: requests in every state, individual sessions, referrals,
a student group with its sessions and end-of-term reports, each made through the requests
app's services (state history, audit log, notifications) at the moment it happened.

Student roles, by index in the institution's cohort (see ``academics.COHORT``):

* 0-1 (the demo's student accounts, loader.students): also a support request decided this
  term, with its reasons, a tutor and a start, then closed ("My requests" shows a timeline);
* 0-5: one request in each state before tutoring (draft, submitted, under review, denied,
  approved, withdrawn); individual classes only where the site's rule set allows them;
* 6-25: support requests tutored this term (14 in progress, 6 closed), two to four sessions
  each, one referral each (in every status), reports in every state;
* 26-31: support requests tutored and closed last term (accepted reports);
* 20-37: a student group this term (group sessions with attendance), 26-37 also last term;
* 38-41: peer-mentoring requests approved; 38-47: students not tutored;
* 48-49: where individual classes are taken, one request redirected to a regular class and
  one settled by a schedule change;
* 0-1, the demo's student accounts (``loader.students``), also have a support request tutored
  this term (sessions, a referral) and are in this term's group, so that their area's "My
  tutoring" shows every part.
"""

import contextlib
import datetime
from unittest import mock

from django.contrib.auth import get_user_model
from django.utils import timezone

from tutoria_cms.core.choices import TutoringReason
from tutoria_cms.requests import services
from tutoria_cms.requests.models import (
    IndividualClass,
    ReferralService,
    ReferralStatus,
    RequestKind,
    StudentGroup,
)

REASON_CODES = [code for code, _label in TutoringReason.choices]
MODALITIES = ["in_person", "video", "telephone", "email_post"]
REFERRAL_STATUSES = [
    ReferralStatus.SENT,
    ReferralStatus.ATTENDED,
    ReferralStatus.FOLLOW_UP,
    ReferralStatus.CLOSED,
]
# The students with a demo sign-in account (loader.students: the first two records): a
# decided and closed request, one tutored this term, members of this term's group.
STUDENT_ACCOUNTS = (0, 1)
TUTORED_NOW = range(6, 26)
CLOSED_NOW = range(20, 26)
TUTORED_BEFORE = range(26, 32)
GROUP_NOW = range(20, 38)
GROUP_BEFORE = range(26, 38)
PEER_MENTORING = range(38, 42)
# Individual-class requests the board redirects to a regular class or settles by a schedule
# change (student index, component, decision), where the rule set allows classes.
DECISION_OUTCOME_STUDENTS = ((48, "MAT101", "redirect"), (49, "EST101", "change_schedule"))
BOARD_DECISIONS = ("approve", "deny", "redirect", "change_schedule")
REASONED_DECISIONS = ("deny", "redirect", "change_schedule")
TUTORED = sorted({*TUTORED_NOW, *TUTORED_BEFORE, *GROUP_NOW, *GROUP_BEFORE})

TEXT = {
    "es": {
        "description": "Dudas sobre la carrera y organización del estudio.",
        "denial_class": "No cumple el art. 244, VII: reprobación por faltas en la asignatura.",
        "denial_support": "La solicitud corresponde a una beca de manutención: se orienta al "
        "área de becas, no a la tutoría.",
        "referral": "Se observa ansiedad ante los exámenes; requiere atención especializada.",
        # The institution's referral services (Settings › Referral services).
        "referral_services": ["Psicología", "Orientación educativa", "Trabajo social"],
        "referral_notes": {
            ReferralStatus.ATTENDED: "Primera entrevista realizada.",
            ReferralStatus.FOLLOW_UP: "En seguimiento quincenal con orientación.",
            ReferralStatus.CLOSED: "Atención concluida: el estudiante maneja mejor la ansiedad.",
        },
        "group": "Grupo de primer semestre",
        "topics": [
            "Integración al grupo y expectativas",
            "Técnicas de estudio y gestión del tiempo",
            "Preparación de exámenes parciales",
            "Balance del semestre",
        ],
        "progress": "Asistió con regularidad y mejoró la organización de su estudio.",
        "difficulties": "Dificultades con la carga de trabajo de Cálculo I.",
        "recommendation": "Continuar con la tutoría el próximo periodo.",
        "returned": "Agregue las sesiones del último mes y las metas para el próximo periodo.",
        "redirect": "Hay un grupo regular de la asignatura con cupo y sin choque de horario.",
        "regular_class": "Grupo regular MAT101-B, martes y jueves de 16:00 a 18:00",
        "change_schedule": "Un ajuste de horario resuelve el choque que motivó la solicitud.",
        "approval": "Se aprueba el acompañamiento: tu tutor(a) te contactará para la primera "
        "sesión.",
    },
    "pt-br": {
        "description": "Dúvidas sobre o curso e organização dos estudos.",
        "denial_class": "Não atende ao art. 244, VII: reprovação por falta no componente.",
        "denial_support": "O pedido trata de auxílio estudantil: encaminhado à assistência "
        "estudantil, não à tutoria.",
        "referral": "Ansiedade em avaliações; precisa de atendimento especializado.",
        "referral_services": ["Psicologia", "Serviço social", "Apoio pedagógico"],
        "referral_notes": {
            ReferralStatus.ATTENDED: "Primeiro atendimento realizado.",
            ReferralStatus.FOLLOW_UP: "Em acompanhamento quinzenal pelo núcleo.",
            ReferralStatus.CLOSED: "Atendimento concluído: a discente lida melhor com a ansiedade.",
        },
        "group": "Turma do primeiro período",
        "topics": [
            "Integração da turma e expectativas",
            "Técnicas de estudo e gestão do tempo",
            "Preparação para as avaliações",
            "Balanço do período",
        ],
        "progress": "Compareceu com regularidade e melhorou a organização dos estudos.",
        "difficulties": "Dificuldades com a carga de Cálculo I.",
        "recommendation": "Manter a tutoria no próximo período.",
        "returned": "Inclua os encontros do último mês e as metas para o próximo período.",
        "redirect": "Há turma regular do componente com vaga e sem choque de horário.",
        "regular_class": "Turma regular MAT101-B, terças e quintas das 16h às 18h",
        "change_schedule": "Um ajuste de matrícula resolve o choque de horário do pedido.",
        "approval": "Acompanhamento deferido: seu docente-tutor entrará em contato para a "
        "primeira sessão.",
    },
}


@contextlib.contextmanager
def at(moment):
    """Run the services as if it were ``moment`` (the demo's past: creation dates, history
    and audit log entries all say when it happened)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def moment(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class DemoTutoring:
    def __init__(
        self,
        *,
        language,
        programmes,
        terms,
        components,
        students,
        staff,
        tutors,
        group_tutor,
        allows_classes,
        prefix,
        today=None,
    ):
        self.language = "pt-br" if language.lower().startswith("pt") else "es"
        self.text = TEXT[self.language]
        self.action_plan, self.mentoring_programme, self.classes_programme = programmes
        self.previous, self.term = terms
        self.components = components
        self.students = students
        self.coordinator, self.board, self.orientation = staff
        self.tutors = tutors
        self.group_tutor = group_tutor
        self.allows_classes = allows_classes
        self.prefix = prefix
        self.today = today or timezone.localdate()
        self.created = []

    def day(self, days_ago):
        return self.today - datetime.timedelta(days=days_ago)

    # -- requests --------------------------------------------------------------------------
    def new(self, index, kind, days_ago, reasons=(), **facts):
        programme = {
            RequestKind.PEER_MENTORING: self.mentoring_programme,
            RequestKind.INDIVIDUAL_CLASS: self.classes_programme,
        }.get(kind)
        with at(moment(self.day(days_ago), 9)):
            request = services.create_request(
                kind=kind,
                student=self.students[index],
                user=self.coordinator,
                programme=programme or self.action_plan,
                reasons=reasons,
                description=self.text["description"] if reasons else "",
                language=self.language,
                **facts,
            )
        self.created.append(request)
        return request

    def act(self, request, actions, days_ago, reason="", regular_class=""):
        """Take ``actions`` one day after the other from ``days_ago`` (``reason``: of the
        reasoned decisions; ``regular_class``: of a redirect)."""
        for offset, action in enumerate(actions):
            if request.kind == RequestKind.INDIVIDUAL_CLASS and action in BOARD_DECISIONS:
                actor = self.board
            else:
                actor = self.coordinator
            with at(moment(self.day(days_ago - offset), 11)):
                request = services.transition(
                    request,
                    action,
                    actor,
                    reason=reason if action in REASONED_DECISIONS else "",
                    regular_class=regular_class if action == "redirect" else "",
                )
        return request

    def reasons(self, index):
        return (REASON_CODES[index % 7], REASON_CODES[(index + 3) % 7])

    def before_tutoring(self):
        """Students 0-5: a request in each state before any tutoring."""
        self.act(self.new(0, RequestKind.SUPPORT, 2, self.reasons(0)), [], 2)
        if self.allows_classes:
            individual = RequestKind.INDIVIDUAL_CLASS
            requests = [
                self.new(
                    index, individual, 12 - index, term=self.term, component=self.components[code]
                )
                for index, code in ((1, "MAT101"), (2, "EST101"), (3, "MAT101"), (4, "MAT101"))
            ]
        else:
            requests = [
                self.new(index, RequestKind.SUPPORT, 12 - index, self.reasons(index))
                for index in (1, 2, 3, 4)
            ]
        submitted, under_review, denied, approved = requests
        self.act(submitted, ["submit"], 3)
        self.act(under_review, ["submit", "review"], 5)
        denial = "denial_class" if self.allows_classes else "denial_support"
        self.act(denied, ["submit", "review", "deny"], 8, reason=self.text[denial])
        approved = self.act(approved, ["submit", "review", "approve"], 7)
        if self.allows_classes:
            individual_class = IndividualClass.objects.get(requests=approved)
            with at(moment(self.day(3))):
                services.designate_tutor(individual_class, self.tutors[0], self.coordinator)
        if self.allows_classes:
            # Decisions beyond approve / deny, where the rule set allows them.
            for index, code, action in DECISION_OUTCOME_STUDENTS:
                request = self.new(
                    index,
                    RequestKind.INDIVIDUAL_CLASS,
                    10,
                    term=self.term,
                    component=self.components[code],
                )
                self.act(
                    request,
                    ["submit", "review", action],
                    9,
                    reason=self.text[action],
                    regular_class=self.text["regular_class"],
                )
        withdrawn = self.new(5, RequestKind.SUPPORT, 20, self.reasons(5))
        self.act(withdrawn, ["submit", "review", "withdraw"], 20)
        for index in PEER_MENTORING:
            request = self.new(
                index, RequestKind.PEER_MENTORING, 30 - index % 5, mentoring_role="mentee"
            )
            self.act(request, ["submit", "review", "approve"], 29 - index % 5)

    def tutored(self, index, days_ago, close_after=None, term=None):
        """A support request approved and tutored from ``days_ago``: sessions, a referral."""
        tutor = self.tutors[index % len(self.tutors)]
        request = self.new(index, RequestKind.SUPPORT, days_ago, self.reasons(index))
        request = self.act(request, ["submit", "review"], days_ago)
        with at(moment(self.day(days_ago - 2))):
            request = services.assign_tutor(request, tutor, self.coordinator)
        request = self.act(request, ["approve", "start"], days_ago - 2)
        sessions = 2 + index % 3
        for number in range(sessions):
            day = self.day(days_ago - 6 - 8 * number)
            with at(moment(day, 16)):
                services.record_session(
                    request,
                    tutor,
                    date=day,
                    modality=MODALITIES[(index + number) % len(MODALITIES)],
                    duration_minutes=30 + 10 * ((index + number) % 4),
                )
        return request, tutor

    def referral_services(self, site):
        """The institution's referral services (created once, in the vocabulary's order)."""
        if getattr(self, "_referral_services", None) is None:
            self._referral_services = [
                ReferralService.objects.get_or_create(
                    site=site, name=name, defaults={"order": order}
                )[0]
                for order, name in enumerate(self.text["referral_services"])
            ]
        return self._referral_services

    def refer(self, request, tutor, status, days_ago):
        choices = self.referral_services(request.site)
        self.referrals_made = getattr(self, "referrals_made", 0) + 1
        service = choices[self.referrals_made % len(choices)]
        with at(moment(self.day(days_ago), 17)):
            referral = services.refer(request, tutor, reason=self.text["referral"], service=service)
        if status != ReferralStatus.SENT:
            with at(moment(self.day(days_ago - 5), 12)):
                services.update_referral(
                    referral,
                    self.orientation,
                    status=status,
                    outcome_notes=self.text["referral_notes"][status],
                )

    def close(self, request, tutor, days_ago):
        with at(moment(self.day(days_ago), 18)):
            return services.transition(request, "close", tutor)

    def report(self, term, status, outcome, request=None, group=None, tutor=None, days_ago=0):
        with at(moment(self.day(days_ago), 15)):
            report = services.prepare_report(term, tutor, tutoring_request=request, group=group)
            report = services.update_report(
                report,
                tutor,
                progress=self.text["progress"],
                difficulties=self.text["difficulties"],
                recommendation=self.text["recommendation"],
                outcome=outcome,
            )
            if status == "draft":
                return report
            report = services.submit_report(report, tutor)
        if status == "submitted":
            return report
        with at(moment(self.day(days_ago - 1), 10)):
            return services.review_report(
                report,
                self.coordinator,
                accept=status == "accepted",
                comment="" if status == "accepted" else self.text["returned"],
            )

    def tutoring(self):
        """Students 6-31: individual tutoring this term and last term."""
        statuses = ["draft", "submitted", "accepted", "returned"]
        outcomes = ["continues", "completed", "dropped_out"]
        for position, index in enumerate(TUTORED_NOW):
            request, tutor = self.tutored(index, 55 - position)
            self.refer(request, tutor, REFERRAL_STATUSES[position % 4], 40 - position)
            if index in CLOSED_NOW:
                request = self.close(request, tutor, 10 - position % 5)
            if position < 12:
                self.report(
                    self.term,
                    statuses[position % 4],
                    outcomes[position % 3],
                    request=request,
                    tutor=tutor,
                    days_ago=4,
                )
        for position, index in enumerate(TUTORED_BEFORE):
            request, tutor = self.tutored(index, 240 - 10 * position)
            request = self.close(request, tutor, 110 - position)
            self.report(
                self.previous,
                "accepted",
                outcomes[position % 2],
                request=request,
                tutor=tutor,
                days_ago=80,
            )

    def groups(self):
        """A student group this term and one last term, with sessions and attendance."""
        for term, members, first_day, code, status in (
            (self.previous, GROUP_BEFORE, 230, "G0", "accepted"),
            (self.term, (*GROUP_NOW, *STUDENT_ACCOUNTS), 50, "G1", "submitted"),
        ):
            with at(moment(self.day(first_day + 5), 8)):
                group = StudentGroup(
                    code=f"{self.prefix}-{code}",
                    name=self.text["group"],
                    term=term,
                    programme=self.action_plan,
                    site=self.action_plan.get_site(),
                )
                group._history_user = self.coordinator
                group.full_clean()
                group.save()
                group.members.set([self.students[index] for index in members])
                group = services.assign_group_tutor(group, self.group_tutor, self.coordinator)
            for number, topic in enumerate(self.text["topics"]):
                day = self.day(first_day - 12 * number)
                present = [
                    self.students[index]
                    for position, index in enumerate(members)
                    if (position + number) % 5  # about four in five attend each session
                ]
                with at(moment(day, 12)):
                    services.record_group_session(
                        group,
                        self.group_tutor,
                        date=day,
                        topic=topic,
                        modality=MODALITIES[number % len(MODALITIES)],
                        duration_minutes=60 + 15 * (number % 3),
                        attendees=present,
                    )
            self.report(
                term,
                status,
                "continues",
                group=group,
                tutor=self.group_tutor,
                days_ago=first_day - 40,
            )

    def account_students(self):
        """The demo's student accounts: a support request tutored this term (sessions) with a
        referral, besides the request they have in ``before_tutoring``."""
        statuses = (ReferralStatus.ATTENDED, ReferralStatus.SENT)
        for position, index in enumerate(STUDENT_ACCOUNTS):
            request, tutor = self.tutored(index, 45 - position)
            self.refer(request, tutor, statuses[position % len(statuses)], 30 - position)

    def decided_for_accounts(self):
        """Students 0-1, who have student accounts: a support request approved with its
        reasons, tutored and closed this term (first, so that it adds no lasting load)."""
        for index in STUDENT_ACCOUNTS:
            tutor = self.tutors[index % len(self.tutors)]
            request = self.new(index, RequestKind.SUPPORT, 45, self.reasons(index))
            request = self.act(request, ["submit", "review"], 45)
            with at(moment(self.day(43))):
                request = services.assign_tutor(request, tutor, self.coordinator)
            with at(moment(self.day(43), 12)):
                request = services.transition(
                    request, "approve", self.coordinator, reason=self.text["approval"]
                )
            request = self.act(request, ["start"], 42)
            self.close(request, tutor, 30)

    def load(self):
        self.decided_for_accounts()
        self.before_tutoring()
        self.tutoring()
        self.groups()
        self.account_students()
        return self.created


def load_demo_requests(**kwargs):
    """Idempotent (skipped when the institution's first student already has requests)."""
    if kwargs["students"][0].tutoring_requests.exists():
        return []
    User = get_user_model()
    kwargs["tutors"] = list(User.objects.filter(username__in=kwargs["tutors"]).order_by("username"))
    return DemoTutoring(**kwargs).load()
