"""The words of the demo portfolio: projects, page texts and settings of S.Goodie Photography."""

from __future__ import annotations

SETTINGS = {
    "business_name": "S.Goodie Photography",
    "tagline": "Interiors, travel and brand photography with natural light",
    "contact_email": "hello@sgoodie.example",
    "phone": "+1 (415) 555-0142",
    "location": "San Francisco Bay Area",
    "instagram": "https://www.instagram.com/sgoodie.photography",
    "linkedin": "https://www.linkedin.com/in/sgoodie",
    "pinterest": "https://www.pinterest.com/sgoodiephoto",
    "facebook": "",
    "default_seo_description": "S.Goodie Photography: interiors for architects and designers, travel stories and brand imagery, photographed in natural light.",
    "rights_creator": "S. Goodie",
    "rights_copyright": "© {year} S.Goodie Photography. All rights reserved.",
    "rights_credit": "Photo: S.Goodie Photography",
}

# (title, location, client, description, featured, [caption, ...]); one photo per project is
# portrait-oriented (the fourth). Alt texts are not written here: `artwork.describe` says what each
# painted photo shows.
PROJECTS: dict[str, list[tuple]] = {
    "interiors": [
        (
            "Harbour Loft",
            "Sausalito, California",
            "Marin Studio Architects",
            "A converted sail loft where **morning light** does most of the work. We shot over two days to follow the sun across "
            "the floorboards and the sofa, keeping every frame level and every line true.",
            True,
            [
                "The main room at 9 a.m.",
                "",
                "Looking towards the harbour windows",
                "A corner for slow afternoons",
                "",
                "Blue hour, lamp on",
            ],
        ),
        (
            "Garden Villa",
            "Carmel-by-the-Sea, California",
            "Ridge & Rowe Interiors",
            "A family home opened up to its garden. The brief was calm: pale walls, sage fabrics and nothing staged that the "
            "owners would not use on a Sunday.",
            True,
            [
                "The garden room",
                "",
                "Late-morning light",
                "",
                "",
                "From the hall",
            ],
        ),
        (
            "Noe Valley Apartment",
            "San Francisco, California",
            "Atelier Nine",
            "An Edwardian flat, quietly modernised. Cool greys, navy upholstery and a single brass lamp carry the whole palette.",
            False,
            [
                "",
                "Objects chosen by the owners",
                "",
                "Brass and linen",
                "",
                "The view from the kitchen island",
            ],
        ),
        (
            "Studio by the Vineyard",
            "Sonoma, California",
            "Private client",
            "A painter's studio still being finished. This project is a draft while the client chooses the final photos.",
            False,
            [
                "",
                "",
                "",
                "",
                "",
                "",
            ],
        ),
    ],
    "travel": [
        (
            "Lakes of the High Sierra",
            "Eastern Sierra, California",
            "",
            "Five mornings at altitude, waiting for still water. A study of **reflections**, cold light and the quiet before the wind.",
            True,
            [
                "Sunrise at 3,000 metres",
                "",
                "Not a breath of wind",
                "",
                "",
                "Evening, day five",
            ],
        ),
        (
            "City Lights of Hong Kong",
            "Hong Kong",
            "Wanderlust Journal",
            "An assignment on the city after dark: towers over the harbour, lit windows by the thousand and the water holding "
            "every one of them.",
            False,
            [
                "Victoria Harbour, blue hour",
                "",
                "",
                "Ten thousand windows",
                "",
                "",
            ],
        ),
        (
            "Desert Light, Utah",
            "Moab, Utah",
            "",
            "Red rock country in the hours around sunset, when the desert turns from ochre to violet in twenty minutes.",
            False,
            [
                "Twenty minutes of colour",
                "",
                "",
                "Looking west from the rim",
                "",
                "",
            ],
        ),
    ],
    "brand-marketing": [
        (
            "Fieldhouse Botanicals",
            "Oakland, California",
            "Fieldhouse Botanicals",
            "Product imagery for a small-batch skincare brand: glass bottles and amber jars on warm paper, lit like a window in "
            "the afternoon, for their web shop and spring campaign.",
            True,
            [
                "The spring range",
                "",
                "Hero shot for the web shop",
                "",
                "",
                "",
            ],
        ),
        (
            "Ridge Coffee Roasters",
            "Berkeley, California",
            "Ridge Coffee Roasters",
            "Packaging and lifestyle images for a roastery's rebrand: boxes, tins and bottles of cold brew on muted colour.",
            False,
            [
                "New packaging",
                "",
                "",
                "The single-origin tin",
                "",
                "",
            ],
        ),
        (
            "Marlow Olive Oil",
            "Paso Robles, California",
            "Marlow Estate",
            "Bottles of estate olive oil on dark and light grounds for a catalogue, a trade fair and the label redesign.",
            False,
            [
                "The catalogue cover",
                "",
                "",
                "Estate reserve",
                "",
                "",
            ],
        ),
    ],
}
DRAFT = ("interiors", "Studio by the Vineyard")

#: The demo's work categories (slug -> name), in navigation order: today's three.
CATEGORIES = {"interiors": "Interiors", "travel": "Travel", "brand-marketing": "Brand & Marketing"}

CATEGORY_PAGES = {
    "interiors": (
        "Interiors",
        "Homes, studios and hospitality spaces for **architects, designers and owners**. Natural light, true verticals and rooms that look lived in.",
    ),
    "travel": (
        "Travel",
        "Stories from the road for magazines and tourism boards, and a few for myself: mountains, cities and deserts in their best hour.",
    ),
    "brand-marketing": (
        "Brand & Marketing",
        "Product, packaging and lifestyle imagery for small brands that want their photos to feel as considered as what they make.",
    ),
}

HOME = {
    "headline": "Spaces, places and the brands in them",
    "subheadline": "Photography in natural light by S. Goodie",
    "intro": "I photograph **interiors** for architects and designers, **travel** stories for magazines, and **products and people** "
    "for brands that care about how they look. Every shoot starts with a conversation about light.",
    "cta_title": "Planning a shoot?",
    "cta_text": "Tell me about the space, the place or the product. I reply within two working days.",
}

ABOUT = {
    "heading": "About S. Goodie",
    "bio": "I have been photographing rooms, landscapes and products for twelve years, first as an architect's assistant "
    "with a camera and now on my own.\n\n"
    "My work is quiet on purpose: **true lines, honest colour and natural light**, so the space or the product speaks "
    "for itself. I work with architects, interior designers, hotels, magazines and small brands across California and "
    "beyond.\n\n"
    "- Based in the San Francisco Bay Area, travelling often\n"
    "- Published in *Dwell*, *Sunset* and *Wanderlust Journal*\n"
    "- Every shoot delivered as edited, web-ready and print-ready files",
}

BRANDING = {
    "heading": "Personal Branding",
    "intro": "Portraits for founders, designers and consultants that look like you on a good day, in places that say "
    "something about your work. For your website, press kit, talks and social media.",
    "offer": "Every session starts with a short call about where the photos will be used. We choose one or two locations "
    "(your studio, your office, a café you love) and I bring the light. You receive an online gallery within a week.",
    "packages": [
        {
            "name": "Headshot",
            "price": "$450",
            "details": "45 minutes, one location, 10 edited photos. Ideal for a website and LinkedIn.",
        },
        {
            "name": "Story",
            "price": "$950",
            "details": "Two hours, two locations, 30 edited photos including work-in-progress details.",
        },
        {
            "name": "Campaign",
            "price": "From $1,800",
            "details": "Half a day with styling and a shot list for a launch, a book or a new website.",
        },
    ],
}
# The personal-branding gallery: who is in each portrait (each name also seeds its painting; the
# alt text adds what the painting shows, from `artwork.describe`).
BRANDING_GALLERY = [
    "Portrait of a designer against a grey backdrop",
    "Portrait in soft window light",
    "Founder portrait with warm backdrop",
]
BRANDING_SUBJECTS = ["an interior designer", "a client", "a founder"]
PORTRAIT_SUBJECT = "S. Goodie, the photographer,"
