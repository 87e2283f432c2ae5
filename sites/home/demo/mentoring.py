"""Demo peer mentoring for a site's peer-mentoring programme, in the site's language.

Idempotent: the programme's settings are keyed by its page, students by student number,
participants by (programme, student, role); the cycle (suggestions, confirmed pairs, goals,
meetings, check-ins, a closed pair) is played only while the programme has no pair yet.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tutoria_cms.core import institutions
from tutoria_cms.mentoring import permissions, services
from tutoria_cms.mentoring.models import MentoringProgramme, Participant

SLOTS_A = ["mon_am", "wed_am", "fri_pm"]
SLOTS_B = ["tue_pm", "thu_pm", "sat_am"]

DEMO = {
    "es": {
        "prefix": "UTB-MEN",
        "domain": "alumnos.utb.example.edu",
        "languages": ["español"],
        "guidelines": (
            "1. Reúnanse al menos cada dos semanas, en persona o por videollamada.\n"
            "2. Lo que se conversa en la mentoría es confidencial.\n"
            "3. Fijen metas SMART y revisen su avance en cada reunión.\n"
            "4. Si surge un problema que requiere atención especializada, el mentor avisa a "
            "la coordinación para canalizar al Servicio de Orientación Educativa."
        ),
        "mentors": [
            (
                "Andrea Salgado Ruiz",
                3,
                ["técnicas de estudio", "cálculo", "gestión del tiempo"],
                ["música", "voluntariado"],
                SLOTS_A,
            ),
            (
                "Luis Fernando Ortega",
                2,
                ["programación", "inglés"],
                ["videojuegos", "fútbol"],
                SLOTS_B,
            ),
            (
                "Mariana Castillo Vega",
                3,
                ["adaptación a la universidad", "gestión del tiempo"],
                ["lectura", "danza"],
                SLOTS_A,
            ),
            ("Jorge Ibarra Núñez", 2, ["cálculo", "física"], ["ajedrez", "fútbol"], SLOTS_B),
        ],
        "mentees": [
            ("Sofía Hernández López", ["cálculo", "técnicas de estudio"], ["música"], SLOTS_A),
            ("Diego Ramírez Torres", ["programación"], ["videojuegos"], SLOTS_B),
            ("Valeria Mendoza Cruz", ["adaptación a la universidad"], ["danza"], SLOTS_A),
            ("Emiliano Flores Soto", ["física", "cálculo"], ["ajedrez"], SLOTS_B),
            ("Regina Aguilar Ríos", ["gestión del tiempo"], ["lectura", "voluntariado"], SLOTS_A),
            ("Santiago Morales Díaz", ["inglés", "programación"], ["fútbol"], SLOTS_B),
            ("Camila Vargas Peña", ["técnicas de estudio"], ["música", "lectura"], SLOTS_A),
        ],
        "goals": [
            (
                "Aprobar Cálculo I con al menos 8 en el primer parcial",
                "Calificación del primer parcial (0 a 10)",
                8,
                "Tiene tiempo para estudiar y Cálculo I es la materia que más le preocupa.",
                ["Resolver 20 ejercicios por semana", "Asistir a una asesoría cada quince días"],
            ),
            (
                "Estudiar con un horario fijo cada semana",
                "Horas de estudio registradas por semana",
                10,
                "Su carga permite 10 horas; organizarse es clave en el primer semestre.",
                ["Elaborar un horario semanal", "Registrar las horas en una bitácora"],
            ),
        ],
        "notes": [
            "Nos presentamos y revisamos el horario del semestre.",
            "Revisamos los ejercicios de la semana y dudas del parcial.",
            "Ajustamos el horario de estudio; va mejor.",
        ],
        "reflection": "La mentorada ganó confianza y hábitos de estudio; la mentora descubrió "
        "su vocación docente. Recomendamos mantener las asesorías entre pares.",
    },
    "pt-br": {
        "prefix": "UFT-MEN",
        "domain": "discente.uftap.example.edu.br",
        "languages": ["português"],
        "guidelines": (
            "1. Encontrem-se ao menos a cada duas semanas, presencialmente ou por vídeo.\n"
            "2. O que se conversa na mentoria é confidencial.\n"
            "3. Definam metas SMART e revejam o progresso a cada encontro.\n"
            "4. Se surgir um problema que exija atendimento especializado, o mentor avisa a "
            "coordenação para o encaminhamento."
        ),
        "mentors": [
            (
                "Ana Beatriz Costa",
                3,
                ["técnicas de estudo", "cálculo", "gestão do tempo"],
                ["música", "voluntariado"],
                SLOTS_A,
            ),
            ("Rafael Souza Lima", 2, ["programação", "inglês"], ["jogos", "futebol"], SLOTS_B),
            (
                "Juliana Ferreira Alves",
                3,
                ["adaptação à universidade", "gestão do tempo"],
                ["leitura", "dança"],
                SLOTS_A,
            ),
            ("Pedro Henrique Rocha", 2, ["cálculo", "física"], ["xadrez", "futebol"], SLOTS_B),
        ],
        "mentees": [
            ("Larissa Oliveira Santos", ["cálculo", "técnicas de estudo"], ["música"], SLOTS_A),
            ("Gabriel Pereira Gomes", ["programação"], ["jogos"], SLOTS_B),
            ("Beatriz Ribeiro Martins", ["adaptação à universidade"], ["dança"], SLOTS_A),
            ("Lucas Carvalho Dias", ["física", "cálculo"], ["xadrez"], SLOTS_B),
            ("Mariana Barbosa Cunha", ["gestão do tempo"], ["leitura", "voluntariado"], SLOTS_A),
            ("Thiago Araújo Melo", ["inglês", "programação"], ["futebol"], SLOTS_B),
            ("Isabela Teixeira Moura", ["técnicas de estudo"], ["música", "leitura"], SLOTS_A),
        ],
        "goals": [
            (
                "Ser aprovada em Cálculo I com nota mínima 7 na primeira avaliação",
                "Nota da primeira avaliação (0 a 10)",
                7,
                "Há tempo para estudar e Cálculo I é o componente que mais a preocupa.",
                ["Resolver 20 exercícios por semana", "Ir à monitoria a cada quinze dias"],
            ),
            (
                "Estudar com horário fixo toda semana",
                "Horas de estudo registradas por semana",
                10,
                "A carga horária permite 10 horas; organizar-se é essencial no primeiro período.",
                ["Montar um horário semanal", "Registrar as horas num diário"],
            ),
        ],
        "notes": [
            "Nos apresentamos e revisamos o horário do período.",
            "Revisamos os exercícios da semana e as dúvidas da avaliação.",
            "Ajustamos o horário de estudo; está melhorando.",
        ],
        "reflection": "A mentorada ganhou confiança e hábitos de estudo; a mentora descobriu "
        "sua vocação para a docência. Recomendamos manter a monitoria entre pares.",
    },
}


def _student(number, name, domain, site):
    from django.apps import apps

    StudentRecord = apps.get_model("tutoria_academics", "StudentRecord")
    student, _created = StudentRecord.objects.get_or_create(
        student_number=number,
        site=site,
        defaults={
            "full_name": name,
            "email": f"{number.lower()}@{domain}",
            "curriculum_hours": 3200,
            "completed_hours": 0,
        },
    )
    return student


def _coordinator(site=None):
    """A coordinator of peer mentoring in ``site``'s institution ("coordinacion" first)."""
    User = get_user_model()
    candidates = User.objects.with_perm(
        permissions.MANAGE,
        include_superusers=False,
        backend="django.contrib.auth.backends.ModelBackend",  # several backends: django-axes
    ).filter(is_active=True)
    for user in sorted(candidates, key=lambda u: (u.username != "coordinacion", u.pk)):
        if site is None or institutions.holds(user, permissions.MANAGE, site):
            return user
    return None


@transaction.atomic
def load_demo_mentoring(programme_page, language, *, today=None, user=None):
    """Create the demo mentoring of ``programme_page``; returns the number of objects created
    (0 on a second run)."""
    data = DEMO["pt-br" if language.lower().startswith("pt") else "es"]
    today = today or timezone.localdate()
    user = user or _coordinator(programme_page.get_site())
    if user is None:
        return 0
    created = 0
    programme, was_created = MentoringProgramme.objects.get_or_create(
        page=programme_page,
        defaults={
            "period_start": today - datetime.timedelta(days=45),
            "period_end": today + datetime.timedelta(days=120),
            "guidelines": data["guidelines"],
            "mentor_capacity": 2,
        },
    )
    created += was_created
    people = [("mentor", index, spec) for index, spec in enumerate(data["mentors"], 1)] + [
        ("mentee", index, spec) for index, spec in enumerate(data["mentees"], 1)
    ]
    for role, index, spec in people:
        if role == "mentor":
            name, experience, goals, interests, slots = spec
        else:
            (name, goals, interests, slots), experience = spec, 0
        number = f"{data['prefix']}-{'T' if role == 'mentor' else 'D'}{index:02d}"
        student = _student(number, name, data["domain"], programme_page.get_site())
        _participant, was_created = Participant.objects.get_or_create(
            programme=programme,
            student=student,
            role=role,
            defaults={
                "goals": goals,
                "interests": interests,
                "experience": experience,
                "availability": slots,
                "languages": data["languages"],
            },
        )
        created += was_created
    if programme.pairs.exists():
        return created
    suggestions = services.propose_pairs(programme, user)
    created += len(suggestions)
    started = timezone.now() - datetime.timedelta(days=40)
    # Confirm four suggestions 40 days ago; the rest stay for the coordinator to review.
    confirmed = [
        services.confirm_pair(pair, user, now=started)
        for pair in sorted(suggestions, key=lambda pair: pair.mentee.student.student_number)[:4]
    ]
    start_day = timezone.localdate(started)
    for number, pair in enumerate(confirmed):
        if number == 3:
            continue  # a pair that never met: at risk on the coordinator's dashboard
        first = pair.meetings.get(is_first=True)
        goals = [
            services.add_goal(
                pair,
                user,
                specific=specific,
                indicator=indicator,
                target=target,
                achievable_relevant=note,
                due_date=programme.period_start + datetime.timedelta(days=90 + 10 * position),
                steps=steps,
                workshops=list(services.programme_workshops(programme) or [])[:1],
            )
            for position, (specific, indicator, target, note, steps) in enumerate(data["goals"])
        ]
        for offset, note in zip((5, 19, 33), data["notes"], strict=True):
            services.log_meeting(
                pair,
                user,
                meeting=first if offset == 5 else None,
                date=start_day + datetime.timedelta(days=offset),
                mode="in_person" if offset == 5 else "video",
                duration_minutes=45,
                shared_notes=note,
                today=today,
            )
        for offset, ratings in ((10, (2, 2)), (31, (3, 4))):
            day = start_day + datetime.timedelta(days=offset)
            for role in ("mentor", "mentee"):
                services.check_in(
                    pair,
                    user,
                    role=role,
                    date=day,
                    today=today,
                    ratings=[
                        (goal, rating, "") for goal, rating in zip(goals, ratings, strict=True)
                    ],
                )
        created += 1
        if number == 0:
            services.close_pair(
                pair,
                user,
                final_reflection=data["reflection"],
                today=today,
                achievements={
                    goals[0].pk: {
                        "achieved": True,
                        "value": goals[0].target + 1,
                        "note": data["notes"][1],
                    },
                    goals[1].pk: {"achieved": False, "value": 8, "note": ""},
                },
            )
    return created


@transaction.atomic
def load_demo_student_pair(programme_page, records, language, *, today=None, user=None):
    """The demo student accounts' pair (their area's "My mentoring"): the first record the
    mentee of the second, confirmed 20 days ago, with a goal and its steps, a first meeting
    held and a check-in from each side. Returns the number of pairs created (0 on a second
    run, or without a programme, a coordinator or two records)."""
    data = DEMO["pt-br" if language.lower().startswith("pt") else "es"]
    today = today or timezone.localdate()
    programme = MentoringProgramme.objects.filter(page=programme_page).first()
    user = user or _coordinator(programme_page.get_site())
    records = list(records)
    if programme is None or user is None or len(records) < 2:
        return 0
    mentee_record, mentor_record = records[0], records[1]
    participants = {}
    for role, record, experience in (("mentor", mentor_record, 2), ("mentee", mentee_record, 0)):
        participants[role], _created = Participant.objects.get_or_create(
            programme=programme,
            student=record,
            role=role,
            defaults={
                "goals": data["mentors"][0][2][:2],
                "interests": data["mentors"][0][3][:1],
                "experience": experience,
                "availability": SLOTS_A,
                "languages": data["languages"],
            },
        )
    if programme.pairs.filter(mentee=participants["mentee"]).exists():
        return 0
    started = timezone.now() - datetime.timedelta(days=20)
    pair = services.pair_manually(
        programme, participants["mentor"], participants["mentee"], user, now=started
    )
    start_day = timezone.localdate(started)
    specific, indicator, target, note, steps = data["goals"][1]
    goal = services.add_goal(
        pair,
        user,
        specific=specific,
        indicator=indicator,
        target=target,
        achievable_relevant=note,
        due_date=programme.period_start + datetime.timedelta(days=90),
        steps=steps,
    )
    services.log_meeting(
        pair,
        user,
        meeting=pair.meetings.get(is_first=True),
        date=start_day + datetime.timedelta(days=5),
        mode="in_person",
        duration_minutes=45,
        shared_notes=data["notes"][0],
        today=today,
    )
    for role, rating in (("mentor", 2), ("mentee", 3)):
        services.check_in(
            pair,
            user,
            role=role,
            date=start_day + datetime.timedelta(days=10),
            today=today,
            ratings=[(goal, rating, "")],
        )
    return 1
