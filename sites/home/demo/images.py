"""Demo images, drawn by the project with Pillow (sites/home/demo/CREDITS.md).

Simple flat illustrations, one per programme and workshop (shapes on the institution's
colours, seeded by the page's slug, so that running the demo twice draws the same picture),
a portrait with initials per tutor, and the institution's logo. Each image gets a description
(its alternative text) in the site's language.
"""

import hashlib
import io
import random

from django.core.files.images import ImageFile
from wagtail.images import get_image_model

PALETTE = ["#f2a900", "#ffffff", "#8fd3f4", "#f28482", "#b8e0a8", "#ffd6a5"]
CREDIT = "tutoria-cms demo (generated)"


def _rgb(colour):
    return tuple(int(colour[index : index + 2], 16) for index in (1, 3, 5))


def _seeded(key):
    return random.Random(int(hashlib.sha256(key.encode()).hexdigest()[:12], 16))  # noqa: S311


def draw_illustration(key, background, width=1440, height=810):
    """PNG bytes: overlapping circles, "books" and a horizon on ``background``."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    rng = _seeded(key)
    canvas = PILImage.new("RGB", (width, height), _rgb(background))
    draw = ImageDraw.Draw(canvas, "RGBA")
    for _number in range(7):
        radius = rng.randint(height // 10, height // 3)
        x, y = rng.randint(0, width), rng.randint(0, height)
        red, green, blue = _rgb(rng.choice(PALETTE))
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(red, green, blue, 90))
    draw.rectangle((0, int(height * 0.72), width, height), fill=(255, 255, 255, 60))
    x = int(width * 0.12)
    for _number in range(rng.randint(4, 7)):
        book_width = rng.randint(50, 110)
        book_height = rng.randint(int(height * 0.25), int(height * 0.45))
        red, green, blue = _rgb(rng.choice(PALETTE))
        draw.rounded_rectangle(
            (x, int(height * 0.72) - book_height, x + book_width, int(height * 0.72)),
            radius=8,
            fill=(red, green, blue, 230),
        )
        x += book_width + rng.randint(6, 20)
    output = io.BytesIO()
    canvas.save(output, "PNG", optimize=True)
    return output.getvalue()


def draw_portrait(key, name, background, size=480):
    """PNG bytes: the initials of ``name`` on a disc, over ``background``."""
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont

    rng = _seeded(key)
    canvas = PILImage.new("RGB", (size, size), _rgb(background))
    draw = ImageDraw.Draw(canvas)
    red, green, blue = _rgb(rng.choice(PALETTE[2:]))
    draw.ellipse((size * 0.1, size * 0.1, size * 0.9, size * 0.9), fill=(red, green, blue))
    words = [word for word in name.replace(".", " ").split() if word[:1].isupper()]
    initials = "".join(word[0] for word in words[-2:]) or "?"
    font = ImageFont.load_default(size=size // 3)
    draw.text((size / 2, size / 2), initials, fill=_rgb(background), font=font, anchor="mm")
    output = io.BytesIO()
    canvas.save(output, "PNG", optimize=True)
    return output.getvalue()


def draw_logo(initials, background, size=256):
    """PNG bytes: a square logo with the institution's initials."""
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont

    canvas = PILImage.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    draw.rounded_rectangle((8, 8, size - 8, size - 8), radius=size // 6, fill=_rgb(background))
    draw.polygon(
        [(size * 0.2, size * 0.78), (size * 0.5, size * 0.62), (size * 0.8, size * 0.78)],
        fill=(242, 169, 0),
    )
    font = ImageFont.load_default(size=size // 3)
    draw.text((size / 2, size * 0.4), initials, fill=(255, 255, 255), font=font, anchor="mm")
    output = io.BytesIO()
    canvas.save(output, "PNG", optimize=True)
    return output.getvalue()


def demo_image(title, description, data, collection=None, filename="demo.png"):
    """The Wagtail image called ``title`` (made from ``data`` if missing)."""
    model = get_image_model()
    image = model.objects.filter(title=title).first()
    if image is not None:
        return image, False
    fields = {"title": title, "description": description}
    if collection is not None:
        fields["collection"] = collection
    image = model(file=ImageFile(io.BytesIO(data), name=filename), **fields)
    image.save()
    return image, True
