"""Workshop sign-ups through the service (capacity lock, waiting list, e-mail on commit).

    python -m bench.signups [--count 500]

Prints sign-ups per second into one workshop whose capacity is half the count (so half
are confirmed and half waitlisted), and checks that no more than the capacity is confirmed.
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
        services.register(
            workshop,
            student_number=f"B{number:06d}",
            full_name=f"Alumno {number}",
            email=f"b{number}@example.edu",
            consent=True,
            language="es",
        )
    elapsed = time.perf_counter() - start
    confirmed = WorkshopRegistration.objects.filter(
        workshop_id=workshop.pk, status="confirmed"
    ).count()
    print(
        f"signups: {args.count} sign-ups in {elapsed:.2f} s = "
        f"{args.count / elapsed:.0f} per second (capacity {capacity})"
    )
    print(
        f"confirmed {confirmed}, waitlisted {args.count - confirmed}, "
        f"over capacity: {'NO' if confirmed <= capacity else 'YES'}"
    )
    return 0 if confirmed == capacity else 1


if __name__ == "__main__":
    raise SystemExit(main())
