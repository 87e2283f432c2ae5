"""Demo partnerships: seven agreements per site, at every stage (one signed this term), in
the site's language, and a page publishing the active ones. Idempotent: agreements are keyed
by reference number, partners by name, the page by its slug under the home page.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Site

from tutoria_cms.core import roles
from tutoria_cms.partnerships import services
from tutoria_cms.partnerships.choices import STAGE_ORDER, Stage
from tutoria_cms.partnerships.models import (
    Agreement,
    Partner,
    PartnershipIndexPage,
    supported_pages,
)

# Per language: the page, and agreements as (reference, title, partner, sector, purposes,
# description, signed days ago or None, years in force, completed stages, commitments).
# Commitments: (party, description, due in days (negative: past), fulfilled report or "").
DEMO = {
    "es": {
        "page": {
            "slug": "convenios",
            "title": "Convenios de vinculación",
            "introduction": "<p>La universidad se vincula con instituciones educativas y con "
            "los sectores social, público y privado mediante convenios de colaboración que "
            "apoyan la formación del alumnado y el desarrollo de la comunidad.</p>",
        },
        "deliverables": {
            Stage.PLANNING: "Diagnóstico de potencialidades",
            Stage.PROGRAMMING: "Programa de vinculación",
            Stage.EXECUTION: "Convenio firmado",
            Stage.FOLLOW_UP: "Reporte de seguimiento de compromisos",
            Stage.EVALUATION: "Informe de evaluación del cumplimiento",
        },
        "agreements": [
            (
                "UTB-VIN-2024-07",
                "Convenio de prácticas profesionales y estadías",
                "Grupo Industrial del Bajío, S.A. de C.V.",
                "private",
                ["internships", "stays", "equipment"],
                "Estadías de alumnado de Mecatrónica en planta y donación de equipo de laboratorio.",  # noqa: E501
                320,
                1,
                3,
                [
                    (
                        "partner",
                        "Recibir 12 estudiantes en estadía durante el cuatrimestre.",
                        -30,
                        "Se recibieron 12 estudiantes; 11 concluyeron su estadía.",
                    ),
                    ("partner", "Donar dos estaciones de trabajo de automatización.", -5, ""),
                    ("institution", "Entregar el reporte de evaluación de las estadías.", 40, ""),
                ],
            ),
            (
                "UTB-VIN-2023-02",
                "Convenio de servicio social comunitario",
                "Municipio de León, Dirección de Desarrollo Social",
                "public",
                ["social_service", "activities"],
                "Servicio social del alumnado en centros comunitarios de la ciudad.",
                700,
                3,
                5,
                [
                    (
                        "institution",
                        "Asignar 30 prestadores de servicio social por semestre.",
                        -200,
                        "Se asignaron 32 prestadores en el semestre.",
                    )
                ],
            ),
            (
                "UTB-VIN-2025-01",
                "Convenio de intercambio académico",
                "Universidad Autónoma de Querétaro",
                "educational",
                ["academic_exchange", "scholarships"],
                "Movilidad de estudiantes y docentes y becas de colegiatura.",
                None,
                2,
                1,
                [],
            ),
            (
                "UTB-VIN-2023-09",
                "Convenio de educación continua",
                "Cámara de Comercio de León",
                "private",
                ["activities", "scholarships"],
                "Cursos de actualización para egresados y becas para diplomados.",
                400,
                2,
                4,
                [
                    (
                        "partner",
                        "Otorgar 10 becas para diplomados por año.",
                        -60,
                        "Se otorgaron 10 becas; 9 egresados concluyeron.",
                    )
                ],
            ),
            (
                "UTB-VIN-2025-06",
                "Convenio de investigación aplicada",
                "Centro de Innovación Agroalimentaria del Bajío",
                "public",
                ["academic_exchange", "equipment"],
                "Proyectos de investigación aplicada con estudiantes y préstamo de laboratorios.",
                None,
                2,
                2,
                [],
            ),
            (
                "UTB-VIN-2025-11",
                "Convenio de tutoría entre pares con egresados",
                "Asociación de Egresados de la UTB, A.C.",
                "social",
                ["activities", "scholarships"],
                "Egresados que acompañan a estudiantes de último año y becas de titulación.",
                30,
                2,
                3,
                [
                    (
                        "partner",
                        "Proponer 15 egresados mentores para el semestre.",
                        20,
                        "",
                    )
                ],
            ),
            (
                "UTB-VIN-2025-03",
                "Convenio de actividades culturales y deportivas",
                "Fundación Cultural Guanajuato, A.C.",
                "social",
                ["cultural_exchange", "sports_exchange", "activities"],
                "Talleres de danza y torneos deportivos con la comunidad.",
                None,
                1,
                0,
                [],
            ),
        ],
    },
    "pt-br": {
        "page": {
            "slug": "convenios",
            "title": "Convênios de vinculação",
            "introduction": "<p>A universidade se vincula a instituições de ensino e aos "
            "setores social, público e privado por meio de convênios de cooperação que apoiam "
            "a formação dos discentes e o desenvolvimento da comunidade.</p>",
        },
        "deliverables": {
            Stage.PLANNING: "Diagnóstico de potencialidades",
            Stage.PROGRAMMING: "Programa de vinculação",
            Stage.EXECUTION: "Convênio assinado",
            Stage.FOLLOW_UP: "Relatório de acompanhamento dos compromissos",
            Stage.EVALUATION: "Relatório de avaliação do cumprimento",
        },
        "agreements": [
            (
                "UFT-CONV-2024-11",
                "Convênio de estágio supervisionado",
                "Cooperativa Mista dos Agricultores do Tapajós",
                "social",
                ["internships", "equipment"],
                "Estágio de discentes de Agronomia nas áreas da cooperativa e cessão de "
                "equipamentos de campo.",
                280,
                1,
                3,
                [
                    (
                        "partner",
                        "Receber 8 estagiários no período letivo.",
                        -20,
                        "Foram recebidos 8 estagiários, com supervisão local.",
                    ),
                    ("institution", "Designar docente orientador para os estágios.", -3, ""),
                ],
            ),
            (
                "UFT-CONV-2022-04",
                "Convênio de cooperação acadêmica",
                "Instituto Federal do Pará (IFPA)",
                "educational",
                ["academic_exchange", "scholarships"],
                "Mobilidade de discentes e docentes entre os campi e bolsas de monitoria.",
                900,
                3,
                5,
                [
                    (
                        "partner",
                        "Oferecer 10 vagas de mobilidade por ano.",
                        -400,
                        "Foram ofertadas 12 vagas; 9 discentes participaram.",
                    )
                ],
            ),
            (
                "UFT-CONV-2025-02",
                "Convênio com a Secretaria Municipal de Educação",
                "Prefeitura Municipal de Santarém",
                "public",
                ["social_service", "activities"],
                "Atividades de extensão em escolas municipais e ações culturais e esportivas.",
                None,
                2,
                1,
                [],
            ),
            (
                "UFT-CONV-2023-08",
                "Convênio de residência pedagógica",
                "Secretaria de Estado de Educação do Pará",
                "public",
                ["internships", "scholarships"],
                "Residência pedagógica de licenciandos em escolas estaduais, com bolsas.",
                450,
                2,
                4,
                [
                    (
                        "partner",
                        "Receber 20 residentes por semestre nas escolas conveniadas.",
                        -90,
                        "Foram recebidos 22 residentes no semestre.",
                    )
                ],
            ),
            (
                "UFT-CONV-2025-09",
                "Convênio de extensão com comunidades ribeirinhas",
                "Associação das Comunidades do Baixo Tapajós",
                "social",
                ["activities", "cultural_exchange"],
                "Ações de extensão e intercâmbio cultural nas comunidades ribeirinhas.",
                None,
                1,
                0,
                [],
            ),
            (
                "UFT-CONV-2025-12",
                "Convênio de monitoria com egressos",
                "Associação dos Egressos da UFTap",
                "social",
                ["activities", "scholarships"],
                "Egressos que acompanham discentes concluintes e bolsas para o trabalho de "
                "conclusão de curso.",
                25,
                2,
                3,
                [
                    (
                        "partner",
                        "Indicar 15 egressos monitores para o período.",
                        20,
                        "",
                    )
                ],
            ),
            (
                "UFT-CONV-2025-05",
                "Convênio de bolsas de iniciação científica",
                "Fundação Amazônia de Amparo a Estudos e Pesquisas",
                "public",
                ["scholarships"],
                "Bolsas para discentes em projetos de pesquisa com comunidades ribeirinhas.",
                None,
                2,
                2,
                [],
            ),
        ],
    },
}


def _document(title, reference):
    text = f"{title}\n{reference}\n(Documento de demostración / documento de demonstração)\n"
    return get_document_model().objects.create(
        title=f"{title} ({reference})",
        file=ContentFile(text.encode(), name=f"{reference.lower()}.txt"),
    )


def _page(home, spec):
    existing = home.get_children().filter(slug=spec["slug"]).first()
    if existing is not None:
        return existing.specific, 0
    page = PartnershipIndexPage(locale=home.locale, show_in_menus=True, **spec)
    home.add_child(instance=page)
    page.save_revision().publish()
    return page, 1


@transaction.atomic
def load_demo_partnerships(home_page, language, *, today=None, user=None):
    """Create the demo agreements of ``language`` and their page under ``home_page``.

    Returns the number of objects created (0 on a second run).
    """
    data = DEMO["pt-br" if language.lower().startswith("pt") else "es"]
    today = today or timezone.localdate()
    site = Site.objects.filter(root_page=home_page).first()
    if user is None:
        user = (
            get_user_model()
            .objects.filter(tutoria_memberships__site=site, groups__name=roles.COORDINATION)
            .order_by("username")
            .first()
        )
    created = 0
    programmes = list(supported_pages().descendant_of(home_page).order_by("path")[:2])
    for (
        reference,
        title,
        partner_name,
        sector,
        purposes,
        description,
        signed_ago,
        years,
        completed,
        commitments,
    ) in data["agreements"]:
        if Agreement.objects.filter(reference=reference).exists():
            continue
        partner, partner_created = Partner.objects.get_or_create(
            name=partner_name, defaults={"sector": sector}
        )
        created += partner_created
        starts_on = today - datetime.timedelta(days=signed_ago) if signed_ago else None
        expires_on = None
        if starts_on is not None:
            expires_on = starts_on + datetime.timedelta(days=365 * years)
        agreement = services.create_agreement(
            Agreement(
                partner=partner,
                site=site,
                reference=reference,
                title=title,
                purposes=purposes,
                description=description,
                starts_on=starts_on,
                expires_on=expires_on,
            ),
            user,
        )
        created += 1
        if programmes:
            agreement.supported_pages.set(programmes)
        for party, text, due_in, report in commitments:
            commitment = services.add_commitment(
                agreement,
                user,
                party=party,
                description=text,
                due_on=today + datetime.timedelta(days=due_in),
            )
            if report:
                services.record_fulfilment(
                    commitment,
                    user,
                    report=report,
                    today=today,
                    fulfilled_on=min(today, commitment.due_on),
                )
        for code in STAGE_ORDER[:completed]:
            services.complete_stage(
                agreement,
                code,
                user,
                _document(data["deliverables"][code], reference),
                signed_on=starts_on,
                today=today,
            )
        if completed < len(STAGE_ORDER):
            services.start_stage(agreement, STAGE_ORDER[completed], user)
    _page_obj, page_created = _page(home_page, data["page"])
    return created + page_created
