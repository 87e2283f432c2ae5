"""Demo content of the Mexican university (Spanish), drawn from seeds 000, 001 and 003."""

from tutoria_cms.core import roles

LANGUAGE = "es"
HOSTNAME = "localhost"
INSTITUTION = "Universidad Tecnológica del Bajío (demostración)"

HOME = {
    "title": "Tutorías UTB",
    "slug": "utb",
    "introduction": (
        "<p>La tutoría es un proceso dinámico de acompañamiento en la formación integral del "
        "estudiante, que se lleva a cabo de manera periódica y sistemática con un tutor "
        "asignado.</p>"
    ),
}

INDEX = {
    "title": "Programas de tutoría",
    "slug": "programas",
    "introduction": (
        "<p>El Programa Institucional de Tutorías pretende abatir los índices de reprobación, "
        "rezago escolar y deserción, propiciando que el estudiante se adapte al ambiente "
        "escolar y mejore sus hábitos de estudio.</p>"
    ),
    "search_description": "Programas de acompañamiento tutorial de la universidad.",
}

WORKSHOP_CALENDAR = {
    "title": "Calendario de talleres",
    "slug": "calendario",
    "introduction": "<p>Las sesiones de los talleres de tutoría grupal, mes por mes.</p>",
    "search_description": "Próximas sesiones de los talleres de tutoría grupal.",
}

STUDENT_AREA = {
    "title": "Mi espacio",
    "slug": "mi-espacio",
    "introduction": (
        "<p>Tus solicitudes de tutoría, tus sesiones, tus talleres y lo que la universidad "
        "guarda sobre ti.</p>"
    ),
}

# Settings › Institution: contact, data controller and the privacy notice students accept.
INSTITUTION_SETTINGS = {
    "contact": (
        "Coordinación Institucional de Tutorías\n"
        "Av. Universidad 100, León, Gto.\n"
        "tutorias@utb.example.edu · 477 000 0000"
    ),
    "data_controller": "Universidad Tecnológica del Bajío, Av. Universidad 100, León, Gto.",
    "privacy_notice": (
        "<p>La Universidad Tecnológica del Bajío trata los datos de tu solicitud de tutoría "
        "(motivos, descripción, sesiones) solo para darte acompañamiento. Los lee tu tutor "
        "asignado y, si se te canaliza, el servicio de orientación. No se publican ni se "
        "comparten con otras instituciones.</p>"
        "<p>Puedes pedir acceso, rectificación o cancelación de tus datos en la Coordinación "
        "Institucional de Tutorías.</p>"
    ),
}

# The default theme (Settings › Institution): colours, logo and the demo images' descriptions
# (their alternative text). The images are drawn by sites/home/demo/images.py (CREDITS.md).
THEME = {
    "primary_colour": "#7a1f3d",
    "accent_colour": "#0b5c8c",
    "logo_initials": "UTB",
    "logo_title": "Logotipo de la Universidad Tecnológica del Bajío (demostración)",
    "programme_image": "Ilustración: libros de colores sobre círculos, para «{title}»",
    "workshop_image": "Ilustración: libros de colores sobre círculos, para el taller «{title}»",
    "tutor_photo": "Retrato ilustrado con las iniciales de {name}",
}

ACCOUNTS_PREFIX = "mx."

# The institution's staff, one account per role: (username after ACCOUNTS_PREFIX, role group,
# first name, last name). Members of this institution only.
STAFF = [
    ("comunicacion", roles.COMMUNICATIONS, "Carmen", "Ruiz"),
    ("moderacion", roles.COMMUNICATIONS_MODERATORS, "Marta", "Vidal"),
    ("coordinacion", roles.COORDINATION, "Laura", "Jiménez"),
    ("colegiado", roles.BOARD, "Jorge", "Salinas"),
    ("orientacion", roles.ORIENTATION, "Irene", "Campos"),
    ("calidad", roles.QUALITY, "Hugo", "Navarro"),
]

TUTOR_INDEX = {
    "title": "Directorio de tutores",
    "slug": "tutores",
    "introduction": (
        "<p>Conoce a las y los tutores de la universidad: sus disciplinas, su disponibilidad "
        "y sus competencias como tutores (científicas, humanas y técnicas).</p>"
    ),
    "search_description": "Tutores y tutoras del Programa Institucional de Tutorías.",
}

STUDENT_PREFIX = "MX"
PROGRAMME_OF_STUDY = "Licenciatura en Administración"
STUDENTS = [
    "Valeria Gómez Ruiz",
    "Diego Hernández Soto",
    "Fernanda López Díaz",
    "Luis Ángel Martínez",
    "Ximena Torres Vega",
    "Emiliano Cruz Reyes",
    "Regina Flores Mora",
    "Santiago Ramírez León",
]
# Further demo students (the academic records of a whole cohort): first names x surnames.
MORE_FIRST_NAMES = [
    "Andrea",
    "Bruno",
    "Camila",
    "Daniel",
    "Elena",
    "Francisco",
    "Gabriela",
    "Héctor",
    "Isabel",
    "Javier",
    "Karla",
    "Leonardo",
    "Mónica",
    "Nicolás",
    "Olivia",
    "Pablo",
    "Renata",
    "Sergio",
    "Tania",
    "Ulises",
]
MORE_SURNAMES = [
    "Aguirre Campos",
    "Benítez Lara",
    "Castro Molina",
    "Delgado Pérez",
    "Espinoza Rivas",
    "Fuentes Gil",
    "Guerrero Luna",
    "Ibarra Solís",
    "Juárez Olmos",
    "Kuri Navarro",
    "Lozano Paredes",
    "Mejía Salas",
    "Núñez Ortega",
    "Orozco Vidal",
    "Pacheco Ríos",
    "Quintero Sosa",
]
DEMO_REQUEST_TUTORS = ["ana", "jorge", "mariana", "guadalupe"]
GROUP_TUTOR = "roberto"
# Neither registered regulation of individual classes (UFOPA Res. 331/2020, UFERSA's special
# classes) is a Mexican university's: the site takes no individual-class requests ("none" is
# ``tutoria_cms.requests.models.NO_INDIVIDUAL_CLASSES``; empty would mean the suite's default).
RULE_SET = "none"

PROGRAMMES = [
    {
        "title": "Programa de Acción Tutorial (PAT)",
        "slug": "programa-de-accion-tutorial",
        "kind": "action_plan",
        "search_description": "Tutoría grupal e individual para todo el alumnado.",
        "introduction": (
            "<p>La tutoría es una actividad inherente a la función del profesor-tutor, que se "
            "realiza individual y colectivamente con los alumnos para una orientación personal "
            "y profesional. Su fin es conseguir una formación integral del individuo.</p>"
        ),
        "objectives": (
            "<ul><li>Proximidad profesor–estudiante y generar alternativas de atención.</li>"
            "<li>Contribuir al mejoramiento de las condiciones del aprendizaje.</li>"
            "<li>Valoración, adaptación y autoconfianza.</li><li>Crear un clima de confianza.</li>"
            "<li>Contribuir al abatimiento de la deserción.</li></ul>"
        ),
        "purpose": (
            "<p>Establecer el Programa de Acción Tutorial con iniciativas que fortalecen la "
            "calidad de la educación.</p>"
        ),
        "needs_addressed": (
            "<ul><li>Integración del alumnado al nuevo entorno escolar y los cursos remediales "
            "que se requieran.</li><li>Seguimiento y apoyo, individual y grupal, en los procesos "
            "de aprendizaje y el trabajo académico.</li><li>Apoyo pedagógico para atender "
            "problemáticas particulares.</li><li>Canalización al Servicio de Orientación "
            "Educativa, cuando proceda.</li></ul>"
        ),
        "attention_types": ["group", "individual"],
        "modalities": ["in_person", "email_post", "telephone"],
        "pillars": ["know", "do", "live_together", "be"],
        "target_population": "Alumnado de licenciatura, con atención prioritaria al primer año.",
        "coordinator_name": "Mtra. Laura Jiménez Ortega",
        "coordinator_email": "tutorias@utb.example.edu",
        "coordinator_phone": "+52 477 000 0000",
        "target_failure_rate": 10,
        "target_lag_rate": 12,
        "target_dropout_rate": 8,
        "body": [
            ("heading", {"text": "Tipos de atención", "level": "h2"}),
            (
                "paragraph",
                "<p><b>Grupal:</b> la persona responsable de la tutoría acompaña a la totalidad "
                "de alumnos de un grupo, con trabajo cooperativo, técnicas de estudio, "
                "habilidades cognitivas y estilos de aprendizaje.</p><p><b>Individual:</b> "
                "acompañamiento a un solo alumno o alumna mediante una entrevista personal "
                "periódica; si es necesario, se le canaliza al servicio profesional "
                "requerido.</p>",
            ),
        ],
        "workshops": [
            {
                "title": "Integración al nuevo entorno universitario",
                "slug": "integracion",
                "topic": "integration",
                "formats": ["talk", "group_technique"],
                "pillars": ["live_together", "be"],
                "modality": "in_person",
                "capacity": 30,
                "audience": "Alumnado de nuevo ingreso.",
                "introduction": "<p>Conoce los servicios de la universidad y a tus compañeros.</p>",
                "learning_outcomes": "<ul><li>Ubicar los servicios de apoyo.</li>"
                "<li>Construir una red de compañeros.</li></ul>",
                "facilitators": [("Mtra. Laura Jiménez Ortega", "Coordinadora de tutorías")],
                "sessions": [
                    (-120, "10:00", "12:00", "Auditorio principal"),
                    (-7, "10:00", "12:00", "Auditorio principal"),
                    (14, "10:00", "12:00", "Auditorio principal"),
                ],
            },
            {
                "title": "Técnicas de estudio",
                "slug": "tecnicas-de-estudio",
                "topic": "study_techniques",
                "formats": ["training"],
                "pillars": ["know", "do"],
                "modality": "in_person",
                "capacity": 25,
                "audience": "Alumnado de primer y segundo semestre.",
                "introduction": "<p>Organiza tu tiempo y mejora tus hábitos de estudio.</p>",
                "learning_outcomes": "<ul><li>Planificar el estudio semanal.</li>"
                "<li>Aplicar técnicas de lectura y resumen.</li></ul>",
                "facilitators": [("@ana", "Facilitadora")],
                "sessions": [
                    (-14, "16:00", "18:00", "Aula B-12"),
                    (10, "16:00", "18:00", "Aula B-12"),
                    (17, "16:00", "18:00", "Aula B-12"),
                ],
            },
            {
                "title": "Trabajo cooperativo",
                "slug": "trabajo-cooperativo",
                "topic": "cooperative_work",
                "formats": ["group_technique", "seminar"],
                "pillars": ["live_together", "do"],
                "modality": "video",
                "capacity": 3,
                "audience": "Todo el alumnado.",
                "introduction": "<p>Aprende a trabajar en equipo en proyectos académicos.</p>",
                "learning_outcomes": "<ul><li>Distribuir roles en un equipo.</li></ul>",
                "facilitators": [("@mariana", "Facilitadora"), ("@roberto", "Cofacilitador")],
                "sessions": [(21, "12:00", "13:30", "https://video.utb.example.edu/cooperativo")],
            },
            {
                "title": "Estilos de aprendizaje",
                "slug": "estilos-de-aprendizaje",
                "topic": "learning_styles",
                "formats": ["test", "talk"],
                "pillars": ["know", "be"],
                "modality": "in_person",
                "capacity": 40,
                "audience": "Alumnado de nuevo ingreso.",
                "introduction": "<p>Descubre cómo aprendes mejor con un test y una plática.</p>",
                "learning_outcomes": "<ul><li>Identificar el propio estilo de aprendizaje.</li></ul>",
                "facilitators": [("@emilio", "Facilitador")],
                "sessions": [
                    (-21, "09:00", "11:00", "Sala de usos múltiples"),
                    (28, "09:00", "11:00", "Sala de usos múltiples"),
                ],
            },
        ],
    },
    {
        "title": "Mentoría entre iguales",
        "slug": "mentoria-entre-iguales",
        "kind": "peer_mentoring",
        "search_description": "Estudiantes de semestres avanzados acompañan a los de nuevo ingreso.",
        "introduction": (
            "<p>Un ciclo estructurado de mentoría entre iguales proporciona un marco claro y un "
            "enfoque sistemático que garantiza que las sesiones de mentoría sean eficaces, "
            "útiles y tengan impacto.</p>"
        ),
        "objectives": "<ul><li>Acompañar la transición a la vida universitaria.</li></ul>",
        "attention_types": ["individual"],
        "modalities": ["in_person", "video"],
        "pillars": ["live_together", "be"],
        "target_population": "Mentores de quinto semestre en adelante y alumnado de nuevo ingreso.",
        "coordinator_name": "Lic. Daniel Torres",
        "coordinator_email": "mentoria@utb.example.edu",
        "workshops": [
            {
                "title": "Habilidades cognitivas para mentores",
                "slug": "habilidades-cognitivas-mentores",
                "topic": "cognitive_skills",
                "formats": ["training"],
                "pillars": ["know", "do"],
                "modality": "in_person",
                "capacity": 20,
                "audience": "Mentores del programa.",
                "introduction": "<p>Organizar y sistematizar el pensamiento para acompañar mejor.</p>",
                "learning_outcomes": "<ul><li>Guiar la fijación de metas SMART.</li></ul>",
                "facilitators": [("Lic. Daniel Torres", "Coordinador")],
                "sessions": [(12, "11:00", "13:00", "Aula C-3")],
            },
        ],
    },
]
