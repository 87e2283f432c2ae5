"""Demo content of the Brazilian university (Portuguese), drawn from seeds 003 and 004."""

from tutoria_cms.core import roles

LANGUAGE = "pt-br"
HOSTNAME = "127.0.0.1"
INSTITUTION = "Universidade Federal do Tapajós (demonstração)"

HOME = {
    "title": "Tutoria UFTap",
    "slug": "uftap",
    "introduction": (
        "<p>Acompanhamento e orientação acadêmica dos discentes: tutoria em grupo e "
        "individual, mentoria entre pares e turmas de ensino individual.</p>"
    ),
}

INDEX = {
    "title": "Programas de tutoria",
    "slug": "programas",
    "introduction": (
        "<p>Os programas de tutoria contribuem para reduzir a reprovação, a retenção e a "
        "evasão, apoiando a adaptação dos discentes e seus hábitos de estudo.</p>"
    ),
    "search_description": "Programas de tutoria e mentoria da universidade.",
}

WORKSHOP_CALENDAR = {
    "title": "Agenda de oficinas",
    "slug": "agenda",
    "introduction": "<p>Os encontros das oficinas de tutoria em grupo, mês a mês.</p>",
    "search_description": "Próximos encontros das oficinas de tutoria em grupo.",
}

STUDENT_AREA = {
    "title": "Minha área",
    "slug": "minha-area",
    "introduction": (
        "<p>Suas solicitações de tutoria, seus atendimentos, suas oficinas e o que a "
        "universidade guarda sobre você.</p>"
    ),
}

# Settings › Institution: contact, data controller and the privacy notice students accept.
INSTITUTION_SETTINGS = {
    "contact": (
        "Pró-Reitoria de Ensino de Graduação — Tutoria\n"
        "Rua Vera Paz, s/n, Santarém, PA\n"
        "tutoria@uft.example.edu · (93) 0000-0000"
    ),
    "data_controller": "Universidade Federal do Tapajós, Rua Vera Paz, s/n, Santarém, PA.",
    "privacy_notice": (
        "<p>A Universidade Federal do Tapajós trata os dados da sua solicitação de tutoria "
        "(motivos, descrição, atendimentos) somente para o seu acompanhamento, conforme a "
        "LGPD. Eles são lidos pelo seu tutor e, se houver encaminhamento, pelo serviço de "
        "orientação. Não são publicados nem compartilhados com outras instituições.</p>"
        "<p>Você pode pedir acesso ou correção dos seus dados à coordenação de tutoria.</p>"
    ),
}

# The default theme (Settings › Institution): colours, logo and the demo images' descriptions
# (their alternative text). The images are drawn by sites/home/demo/images.py (CREDITS.md).
THEME = {
    "primary_colour": "#1d5c3a",
    "accent_colour": "#1d5c3a",
    "logo_initials": "UFT",
    "logo_title": "Logotipo da Universidade Federal do Tapajós (demonstração)",
    "programme_image": "Ilustração: livros coloridos sobre círculos, para “{title}”",
    "workshop_image": "Ilustração: livros coloridos sobre círculos, para a oficina “{title}”",
    "tutor_photo": "Retrato ilustrado com as iniciais de {name}",
}

ACCOUNTS_PREFIX = "br."

# The institution's staff, one account per role: (username after ACCOUNTS_PREFIX, role group,
# first name, last name). Members of this institution only.
STAFF = [
    ("comunicacao", roles.COMMUNICATIONS, "Beatriz", "Almeida"),
    ("moderacao", roles.COMMUNICATIONS_MODERATORS, "Renata", "Costa"),
    ("coordenacao", roles.COORDINATION, "Juliana", "Pereira"),
    ("colegiado", roles.BOARD, "Paulo", "Freitas"),
    ("orientacao", roles.ORIENTATION, "Camila", "Rocha"),
    ("qualidade", roles.QUALITY, "Rafael", "Martins"),
]

TUTOR_INDEX = {
    "title": "Docentes-tutores",
    "slug": "docentes-tutores",
    "introduction": (
        "<p>Conheça os docentes-tutores da universidade: suas áreas, sua disponibilidade e "
        "suas competências de tutoria (científicas, humanas e técnicas).</p>"
    ),
    "search_description": "Docentes-tutores dos programas de tutoria.",
}

STUDENT_PREFIX = "BR"
PROGRAMME_OF_STUDY = "Licenciatura em Pedagogia"
STUDENTS = [
    "Ana Beatriz Souza",
    "Lucas Oliveira Lima",
    "Júlia Santos Rocha",
    "Pedro Henrique Alves",
    "Larissa Costa Pinto",
    "Gabriel Ferreira Dias",
    "Mariana Ribeiro Nunes",
    "Matheus Carvalho Melo",
]
# Further demo students (the academic records of a whole cohort): first names x surnames.
MORE_FIRST_NAMES = [
    "Amanda",
    "Bruno",
    "Camila",
    "Daniel",
    "Eduarda",
    "Felipe",
    "Giovana",
    "Henrique",
    "Isabela",
    "João",
    "Kauã",
    "Letícia",
    "Murilo",
    "Natália",
    "Otávio",
    "Priscila",
    "Rodrigo",
    "Sabrina",
    "Tiago",
    "Vitória",
]
MORE_SURNAMES = [
    "Almeida Castro",
    "Barros Farias",
    "Campos Reis",
    "Duarte Freitas",
    "Esteves Lopes",
    "Fonseca Prado",
    "Gomes Batista",
    "Lacerda Viana",
    "Macedo Pires",
    "Nogueira Sales",
    "Queiroz Mendes",
    "Rezende Moura",
    "Siqueira Leal",
    "Teixeira Brito",
    "Vasconcelos Paiva",
    "Xavier Cunha",
]
DEMO_REQUEST_TUTORS = ["joana", "carlos", "luana", "marcia"]
GROUP_TUTOR = "rafael"
# The regulation judging individual-class requests (requests app's site setting).
RULE_SET = "ufopa-331-2020"

PROGRAMMES = [
    {
        "title": "Programa de Tutoria Acadêmica",
        "slug": "programa-de-tutoria-academica",
        "kind": "action_plan",
        "search_description": "Atendimento em grupo e individual aos discentes.",
        "introduction": (
            "<p>A tutoria é um processo de acompanhamento da formação integral do discente, "
            "realizado de forma periódica e sistemática com um docente-tutor designado.</p>"
        ),
        "objectives": (
            "<ul><li>Aproximar docentes e discentes.</li><li>Melhorar as condições de "
            "aprendizagem.</li><li>Criar um clima de confiança.</li><li>Contribuir para a "
            "redução da evasão.</li></ul>"
        ),
        "purpose": "<p>Fortalecer a qualidade da formação por meio do acompanhamento tutorial.</p>",
        "needs_addressed": (
            "<ul><li>Integração dos calouros ao ambiente universitário.</li><li>Acompanhamento "
            "individual e em grupo dos processos de aprendizagem.</li><li>Encaminhamento ao "
            "serviço de orientação, quando necessário.</li></ul>"
        ),
        "attention_types": ["group", "individual"],
        "modalities": ["in_person", "video", "telephone"],
        "pillars": ["know", "do", "live_together", "be"],
        "target_population": "Discentes de graduação, com prioridade para o primeiro ano.",
        "coordinator_name": "Profa. Dra. Mariana Costa",
        "coordinator_email": "tutoria@uftap.example.edu.br",
        "coordinator_phone": "+55 93 0000-0000",
        "target_failure_rate": 12,
        "target_lag_rate": 15,
        "target_dropout_rate": 10,
        "workshops": [
            {
                "title": "Integração de calouros",
                "slug": "integracao-de-calouros",
                "topic": "integration",
                "formats": ["talk", "group_technique"],
                "pillars": ["live_together", "be"],
                "modality": "in_person",
                "capacity": 40,
                "audience": "Discentes ingressantes.",
                "introduction": "<p>Conheça a universidade, seus serviços e seus colegas.</p>",
                "learning_outcomes": "<ul><li>Localizar os serviços de apoio ao discente.</li></ul>",
                "facilitators": [("Profa. Dra. Mariana Costa", "Coordenadora de tutoria")],
                "sessions": [
                    (-120, "14:00", "16:00", "Auditório do ICED"),
                    (-5, "14:00", "16:00", "Auditório do ICED"),
                    (15, "14:00", "16:00", "Auditório do ICED"),
                ],
            },
            {
                "title": "Técnicas de estudo",
                "slug": "tecnicas-de-estudo",
                "topic": "study_techniques",
                "formats": ["training", "remedial_course"],
                "pillars": ["know", "do"],
                "modality": "in_person",
                "capacity": 25,
                "audience": "Discentes do primeiro e segundo semestres.",
                "introduction": "<p>Organize seu tempo e melhore seus hábitos de estudo.</p>",
                "learning_outcomes": "<ul><li>Planejar a semana de estudos.</li></ul>",
                "facilitators": [("@joana", "Facilitadora")],
                "sessions": [
                    (-12, "18:00", "20:00", "Sala 204"),
                    (9, "18:00", "20:00", "Sala 204"),
                    (16, "18:00", "20:00", "Sala 204"),
                ],
            },
            {
                "title": "Trabalho cooperativo",
                "slug": "trabalho-cooperativo",
                "topic": "cooperative_work",
                "formats": ["group_technique"],
                "pillars": ["live_together", "do"],
                "modality": "video",
                "capacity": 3,
                "audience": "Todos os discentes.",
                "introduction": "<p>Aprenda a trabalhar em equipe em projetos acadêmicos.</p>",
                "learning_outcomes": "<ul><li>Distribuir papéis em uma equipe.</li></ul>",
                "facilitators": [("@luana", "Facilitadora")],
                "sessions": [
                    (20, "10:00", "11:30", "https://video.uftap.example.edu.br/cooperativo")
                ],
            },
            {
                "title": "Habilidades cognitivas",
                "slug": "habilidades-cognitivas",
                "topic": "cognitive_skills",
                "formats": ["seminar"],
                "pillars": ["know"],
                "modality": "in_person",
                "capacity": 30,
                "audience": "Todos os discentes.",
                "introduction": "<p>Organizar e sistematizar o pensamento para aprender melhor.</p>",
                "learning_outcomes": "<ul><li>Aplicar mapas conceituais.</li></ul>",
                "facilitators": [("Prof. Dr. João Almeida", "Docente-tutor")],
                "sessions": [
                    (-19, "08:00", "10:00", "Sala 101"),
                    (27, "08:00", "10:00", "Sala 101"),
                ],
            },
        ],
    },
    {
        "title": "Mentoria entre pares",
        "slug": "mentoria-entre-pares",
        "kind": "peer_mentoring",
        "search_description": "Veteranos acompanham calouros ao longo do primeiro ano.",
        "introduction": (
            "<p>Um ciclo estruturado de mentoria entre pares oferece um marco claro e uma "
            "abordagem sistemática para que as sessões de mentoria sejam eficazes.</p>"
        ),
        "attention_types": ["individual"],
        "modalities": ["in_person", "video"],
        "pillars": ["live_together", "be"],
        "target_population": "Mentores a partir do quinto semestre e discentes ingressantes.",
        "coordinator_name": "Prof. Carlos Lima",
        "coordinator_email": "mentoria@uftap.example.edu.br",
        "workshops": [],
    },
    {
        "title": "Turmas de ensino individual (tutoria)",
        "slug": "turmas-de-ensino-individual",
        "kind": "individual_classes",
        "search_description": "Abertura de turma de ensino individual conforme a Resolução nº 331/2020.",
        "introduction": (
            "<p>Entende-se por turma de ensino individual (tutoria) o acompanhamento e a "
            "orientação acadêmica de discente na realização de componente curricular, com "
            "redução da carga horária de momentos presenciais (Resolução nº 331/2020, "
            "art. 240).</p>"
        ),
        "needs_addressed": (
            "<ul><li>Discentes que, de outra forma, não teriam condições de cursar um "
            "componente curricular obrigatório (art. 242).</li></ul>"
        ),
        "attention_types": ["individual"],
        "modalities": ["in_person"],
        "pillars": ["know"],
        "target_population": "Discentes regulares de graduação com pelo menos 90% da carga "
        "horária cumprida.",
        "coordinator_name": "Colegiado da Subunidade Acadêmica",
        "coordinator_email": "colegiado@uftap.example.edu.br",
        "body": [
            ("heading", {"text": "Requisitos (art. 244)", "level": "h2"}),
            (
                "paragraph",
                "<ol><li>Ser discente regular de graduação.</li><li>Ter cumprido pelo menos "
                "90% da carga horária da estrutura curricular.</li><li>No máximo 2 "
                "componentes por período letivo e 4 ao longo do curso.</li><li>Componente "
                "obrigatório, não ofertado no período ou em choque de horário.</li><li>Sem "
                "reprovação por falta e no máximo duas reprovações por nota no componente."
                "</li></ol>",
            ),
        ],
        "workshops": [],
    },
]
