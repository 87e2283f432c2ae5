"""Public workshop sign-ups through the services, both steps: the form's request (a pending
sign-up and its link e-mailed on commit) and the link's confirmation (capacity lock, waiting
list, e-mail on commit).

    python -m bench.signups [--count 500]

Prints sign-ups per second (request + confirmation) into one workshop whose capacity is half
the count (so half are confirmed and half waitlisted), and checks that no more than the
capacity is confirmed and that pending sign-ups held no seat.
"""

import argparse
import time

from bench._setup import setup


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args(argv)
    setup()
    from tests import factories
    from tutoria_cms.workshops import services
    from tutoria_cms.workshops.models import WorkshopRegistration

    home = factories.build_site("es", "bench-signups.localhost", title="Bench")
    programme = factories.build_programme(factories.build_programme_index(home))
    capacity = args.count // 2
    workshop = factories.build_workshop(programme, capacity=capacity)
    start = time.perf_counter()
    for number in range(args.count):
        pending = services.request_signup(
            workshop,
            student_number=f"B{number:06d}",
            full_name=f"Alumno {number}",
            email=f"b{number}@example.edu",
            consent=True,
            language="es",
        )
        services.confirm_signup(services.signup_token(pending), workshop=workshop)
    elapsed = time.perf_counter() - start
    confirmed = WorkshopRegistration.objects.filter(
        workshop_id=workshop.pk, status="confirmed"
    ).count()
    print(
        f"signups: {args.count} sign-ups (request + confirmation) in {elapsed:.2f} s = "
        f"{args.count / elapsed:.0f} per second (capacity {capacity})"
    )
    print(
        f"confirmed {confirmed}, waitlisted {args.count - confirmed}, "
        f"over capacity: {'NO' if confirmed <= capacity else 'YES'}"
    )
    pending = WorkshopRegistration.objects.filter(workshop_id=workshop.pk, status="pending").count()
    return 0 if confirmed == capacity and pending == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
