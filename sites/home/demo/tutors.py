"""Demo tutors: eight per site, in the site's language, with varied and realistic matrices.

The lead's demo command calls :func:`load_demo_tutors` for each site's directory page and prints
the accounts it returns. Running it again updates the same tutors (no duplicates, no new history
when nothing changed) and sets new passwords.
"""

import random
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify

from tutoria_cms.core import roles
from tutoria_cms.tutors import permissions, services
from tutoria_cms.tutors.loader import load_framework_file
from tutoria_cms.tutors.models import Competency, TutorDirectorySettings

# Tutor type -> the competencies it is strongest in (seed 001's descriptions of each type).
TYPE_STRENGTHS = {
    "didactic": ["didactics", "tutoring-follow-up"],
    "formative": ["disciplinary-expertise", "guidance"],
    "interpersonal": ["relational-skills", "emotional-management", "good-tutor-traits"],
    "cognitive": ["cognitive-skills", "didactics"],
    "ethical": ["values-education", "protection-socialisation"],
}

COMMON = {
    "es": {
        "place": "Edificio de Tutorías, cubículo {n}",
        "hours": "Lunes y miércoles de {a}:00 a {b}:00\nViernes con cita previa",
    },
    "pt-br": {
        "place": "Bloco de Tutoria, sala {n}",
        "hours": "Segundas e quartas, das {a}h às {b}h\nSextas com agendamento",
    },
}

TUTORS = {
    "es": [
        (
            "ana",
            "Ana Lucía Ramírez Soto",
            "Dra.",
            "Facultad de Ciencias",
            ["Matemáticas"],
            ["Técnicas de estudio", "Cálculo diferencial"],
            ["didactic", "cognitive"],
            ["in_person", "video"],
            ["group", "individual"],
            12,
            "Profesora de matemáticas desde 2009. Acompaña a estudiantes de primer ingreso en la "
            "transición al bachillerato universitario y coordina cursos remediales de cálculo.",
        ),
        (
            "jorge",
            "Jorge Alberto Medina Ruiz",
            "Mtro.",
            "Facultad de Derecho",
            ["Derecho"],
            ["Orientación vocacional", "Ética profesional"],
            ["ethical", "formative"],
            ["in_person"],
            ["individual"],
            8,
            "Abogado y docente de ética profesional. Orienta a estudiantes que dudan de su "
            "carrera y los vincula con despachos y prácticas profesionales.",
        ),
        (
            "mariana",
            "Mariana Castillo Herrera",
            "Psic.",
            "Departamento de Psicología",
            ["Psicología"],
            ["Gestión emocional", "Ansiedad ante exámenes"],
            ["interpersonal"],
            ["in_person", "telephone", "video"],
            ["individual"],
            10,
            "Psicóloga educativa. Atiende a tutorados con dificultades emocionales y canaliza al "
            "Servicio de Orientación Educativa cuando el caso lo requiere.",
        ),
        (
            "roberto",
            "Roberto Nájera Fuentes",
            "Ing.",
            "Facultad de Ingeniería",
            ["Ingeniería civil"],
            ["Aprendizaje basado en proyectos", "Trabajo cooperativo"],
            ["didactic", "formative"],
            ["in_person"],
            ["group"],
            25,
            "Ingeniero con quince años de práctica profesional. Coordina talleres grupales de "
            "trabajo cooperativo para los primeros semestres.",
        ),
        (
            "guadalupe",
            "Guadalupe Ortiz Villanueva",
            "Dra.",
            "Facultad de Ciencias de la Salud",
            ["Enfermería"],
            ["Salud y bienestar estudiantil", "Inclusión"],
            ["ethical", "interpersonal"],
            ["in_person", "email_post"],
            ["group", "individual"],
            15,
            "Enfermera y doctora en salud pública. Acompaña a estudiantes con condiciones de salud "
            "que limitan su desempeño académico.",
        ),
        (
            "emilio",
            "Emilio Sandoval Pérez",
            "Mtro.",
            "Facultad de Economía",
            ["Economía"],
            ["Estilos de aprendizaje", "Estadística"],
            ["cognitive"],
            ["video", "email_post"],
            ["individual"],
            6,
            "Economista. Ayuda a los tutorados a organizar su estudio y a entender sus propios "
            "estilos de aprendizaje.",
        ),
        (
            "rosa",
            "Rosa Elena Domínguez Lara",
            "Lic.",
            "Centro de Idiomas",
            ["Lenguas extranjeras"],
            ["Integración de estudiantes foráneos"],
            ["interpersonal", "didactic"],
            ["in_person", "video"],
            ["group"],
            20,
            "Docente de inglés. Apoya la integración de estudiantes que llegan de otras regiones y "
            "de comunidades indígenas.",
        ),
        (
            "fernando",
            "Fernando Aguilar Treviño",
            "Dr.",
            "Facultad de Filosofía y Letras",
            ["Filosofía"],
            ["Pensamiento crítico", "Educación moral"],
            ["ethical", "cognitive"],
            ["in_person"],
            ["individual", "group"],
            9,
            "Filósofo. Trabaja el pensamiento crítico y la educación en valores con grupos de "
            "primer ingreso.",
        ),
    ],
    "pt-br": [
        (
            "joana",
            "Joana Ferreira da Silva",
            "Profa. Dra.",
            "Instituto de Ciências Exatas",
            ["Matemática"],
            ["Técnicas de estudo", "Cálculo"],
            ["didactic", "cognitive"],
            ["in_person", "video"],
            ["group", "individual"],
            12,
            "Professora de matemática desde 2010. Acompanha discentes ingressantes na adaptação à "
            "universidade e coordena oficinas de nivelamento em cálculo.",
        ),
        (
            "carlos",
            "Carlos Eduardo Souza",
            "Prof. Me.",
            "Instituto de Ciências Jurídicas",
            ["Direito"],
            ["Orientação profissional", "Ética"],
            ["ethical", "formative"],
            ["in_person"],
            ["individual"],
            8,
            "Advogado e docente de ética. Orienta discentes com dúvidas sobre o curso e os "
            "aproxima de estágios e escritórios-modelo.",
        ),
        (
            "luana",
            "Luana Tavares Moreira",
            "Psic.",
            "Núcleo de Apoio Psicopedagógico",
            ["Psicologia"],
            ["Gestão emocional", "Ansiedade em provas"],
            ["interpersonal"],
            ["in_person", "telephone", "video"],
            ["individual"],
            10,
            "Psicóloga escolar. Atende discentes com dificuldades emocionais e faz o "
            "encaminhamento ao serviço de orientação quando necessário.",
        ),
        (
            "rafael",
            "Rafael Lima Barbosa",
            "Prof. Dr.",
            "Instituto de Engenharia",
            ["Engenharia florestal"],
            ["Aprendizagem baseada em projetos", "Trabalho cooperativo"],
            ["didactic", "formative"],
            ["in_person"],
            ["group"],
            25,
            "Engenheiro florestal com longa atuação na Amazônia. Coordena oficinas de trabalho "
            "cooperativo para os primeiros períodos.",
        ),
        (
            "marcia",
            "Márcia Regina Cardoso",
            "Profa. Dra.",
            "Instituto de Saúde Coletiva",
            ["Saúde coletiva"],
            ["Bem-estar estudantil", "Inclusão"],
            ["ethical", "interpersonal"],
            ["in_person", "email_post"],
            ["group", "individual"],
            15,
            "Enfermeira e doutora em saúde coletiva. Acompanha discentes com condições de saúde "
            "que limitam o seu desempenho acadêmico.",
        ),
        (
            "thiago",
            "Thiago Nascimento Alves",
            "Prof. Me.",
            "Instituto de Ciências da Sociedade",
            ["Economia"],
            ["Estilos de aprendizagem", "Estatística"],
            ["cognitive"],
            ["video", "email_post"],
            ["individual"],
            6,
            "Economista. Ajuda os discentes a organizar os estudos e a conhecer os próprios "
            "estilos de aprendizagem.",
        ),
        (
            "aline",
            "Aline Cristina Pereira",
            "Profa.",
            "Centro de Línguas",
            ["Letras"],
            ["Integração de discentes indígenas e quilombolas"],
            ["interpersonal", "didactic"],
            ["in_person", "video"],
            ["group"],
            20,
            "Professora de português e inglês. Apoia a integração de discentes indígenas, "
            "quilombolas e vindos do interior.",
        ),
        (
            "paulo",
            "Paulo Henrique Rocha",
            "Prof. Dr.",
            "Instituto de Ciências da Educação",
            ["Filosofia"],
            ["Pensamento crítico", "Educação moral"],
            ["ethical", "cognitive"],
            ["in_person"],
            ["individual", "group"],
            9,
            "Filósofo. Trabalha pensamento crítico e educação em valores com turmas de "
            "ingressantes.",
        ),
    ],
}


def _language_key(language):
    return "pt-br" if language.lower().replace("_", "-").startswith("pt") else "es"


def _levels(seed, tutor_types, competencies, max_level):
    """A plausible matrix: strengths from the tutor's types, the rest spread around 2,
    a few competencies not yet assessed."""
    rng = random.Random(seed)  # deterministic: re-running changes nothing  # noqa: S311
    strong = {code for kind in tutor_types for code in TYPE_STRENGTHS.get(kind, [])}
    levels = {}
    for competency in competencies:
        if competency.code not in strong and rng.random() < 0.12:
            continue
        base = (
            max_level - rng.choice([0, 0, 1])
            if competency.code in strong
            else rng.choice([1, 2, 2, 2, 3])
        )
        levels[competency] = max(1, min(max_level, base))
    return levels


@transaction.atomic
def load_demo_tutors(index_page, language, accounts_prefix, validator=None, passwords=None):
    """Create or update eight demo tutors under ``index_page``; return [(username, password)].

    ``validator``, a coordinator's account, validates part of the matrices when given.
    ``passwords`` (username -> password) keeps known passwords: an account whose password
    already matches is not touched, so running the demo again changes nothing.
    """
    passwords = passwords or {}
    key = _language_key(language)
    framework = services.framework_for_page(index_page)
    if framework is None:
        load_framework_file()
        framework = services.default_framework()
    site = index_page.get_site()
    if site is not None:
        site_settings = TutorDirectorySettings.for_site(site)
        if site_settings.framework_id is None:
            site_settings.framework = framework
            site_settings.save()
    competencies = list(
        Competency.objects.filter(dimension__framework=framework).order_by(
            "dimension__sort_order", "sort_order", "pk"
        )
    )
    max_level = max(framework.level_values() or [1])
    tutors_group, _created = Group.objects.get_or_create(name=roles.TUTORS)
    User = get_user_model()
    model = index_page.get_profile_model()
    accounts = []
    for number, row in enumerate(TUTORS[key], start=1):
        (
            slug,
            name,
            title,
            department,
            disciplines,
            expertise,
            types,
            modalities,
            attention,
            capacity,
            biography,
        ) = row
        username = f"{accounts_prefix}{slug}"
        password = passwords.get(username) or secrets.token_urlsafe(12)
        first_name, *rest = name.split()
        user, user_created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@demo.example",
                "first_name": first_name,
                "last_name": " ".join(rest[-2:]),
            },
        )
        if user_created or not user.is_active or not user.check_password(password):
            user.set_password(password)
            user.is_active = True
            user.save()
        user.groups.add(tutors_group)
        accounts.append((username, password))

        profile = permissions.profile_for_user(user)
        created = profile is None
        if created:
            profile = model(title=name, slug=slugify(name), user=user, locale=index_page.locale)
        fields = {
            "academic_title": title,
            "department": department,
            "biography": f"<p>{biography}</p>",
            "tutor_types": types,
            "modalities": modalities,
            "attention_types": attention,
            "capacity": capacity,
            "office_hours": COMMON[key]["hours"].format(a=8 + number % 5, b=10 + number % 5),
            "place": COMMON[key]["place"].format(n=100 + number),
            "meeting_link": (f"https://meet.demo.example/{slug}" if "video" in modalities else ""),
            "contact_email": user.email,
            "show_contact": number % 2 == 1,
        }
        changed = created
        for field_name, value in fields.items():
            if getattr(profile, field_name) != value:
                setattr(profile, field_name, value)
                changed = True
        if sorted(t.name for t in profile.disciplines.all()) != sorted(disciplines):
            profile.disciplines.set(disciplines)
            changed = True
        if sorted(t.name for t in profile.expertise.all()) != sorted(expertise):
            profile.expertise.set(expertise)
            changed = True
        if created:
            index_page.add_child(instance=profile)
        if changed:
            profile.save_revision(user=user).publish()  # the demo loader publishes

        levels = _levels(f"{key}:{slug}", types, competencies, max_level)
        for competency, level in levels.items():
            services.self_assess(
                profile,
                competency,
                user=user,
                level=level,
                evidence=_evidence(key, competency, level),
            )
            if validator is not None and number % 3 != 0 and competency.sort_order in (0, 1):
                agreed = level if (number + competency.pk) % 4 else max(1, level - 1)
                services.validate(profile, competency, user=validator, level=agreed)
        services.publish_matrix(profile, user=user)
    return accounts


def _evidence(key, competency, level):
    if level < 3:
        return ""
    if key == "pt-br":
        return f"Relato de experiência no programa de tutoria ({competency.name_pt_br})."
    return f"Informe de tutoría del último periodo ({competency.name_es})."
