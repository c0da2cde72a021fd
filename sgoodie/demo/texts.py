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
}

# (title, location, client, description, featured, [(alt text, caption), ...]); one photo per
# project is portrait-oriented (the fourth).
PROJECTS: dict[str, list[tuple]] = {
    "interiors": [
        (
            "Harbour Loft",
            "Sausalito, California",
            "Marin Studio Architects",
            "A converted sail loft where **morning light** does most of the work. We shot over two days to follow the sun across "
            "the oak floor and the long linen sofa, keeping every frame level and every line true.",
            True,
            [
                (
                    "Living room with a long blue sofa, oak floor and tall windows on the left",
                    "The main room at 9 a.m.",
                ),
                ("Low walnut coffee table in front of the sofa with a white vase", ""),
                (
                    "Wide view of the loft from the entrance, light falling across the floor",
                    "Looking towards the harbour windows",
                ),
                ("Reading corner with a floor lamp and a potted fig tree", "A corner for slow afternoons"),
                ("Framed print above the sofa in soft green tones", ""),
                ("Evening view of the living room with the lamp switched on", "Blue hour, lamp on"),
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
                ("Sage-green sofa against a pale wall under a framed painting", "The garden room"),
                ("Round oak table with a ceramic vase, seen from the sofa", ""),
                ("Tall window pouring light across a herringbone floor", "Late-morning light"),
                ("Potted olive tree beside a linen armchair", ""),
                ("Detail of cushions in three shades of green", ""),
                ("The garden room from the doorway", "From the hall"),
            ],
        ),
        (
            "Noe Valley Apartment",
            "San Francisco, California",
            "Atelier Nine",
            "An Edwardian flat, quietly modernised. Cool greys, navy upholstery and a single brass lamp carry the whole palette.",
            False,
            [
                ("Navy sofa beneath a dark framed print in a grey living room", ""),
                ("Coffee table with a black ceramic vase on a pale rug", "Objects chosen by the owners"),
                ("Bay window light falling on a pale oak floor", ""),
                ("Brass floor lamp in the corner of the living room", "Brass and linen"),
                ("Plant stand with trailing leaves beside the window", ""),
                ("Whole living room seen from the kitchen", "The view from the kitchen island"),
            ],
        ),
        (
            "Studio by the Vineyard",
            "Sonoma, California",
            "Private client",
            "A painter's studio still being finished. This project is a draft while the client chooses the final photos.",
            False,
            [
                ("Studio with a terracotta sofa and wide windows", ""),
                ("Work table with brushes and a jar", ""),
                ("Sunlight on the studio floor", ""),
                ("Tall plant beside the easel", ""),
                ("Canvas leaning against the wall", ""),
                ("The studio at dusk", ""),
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
                ("Granite peaks mirrored in a still alpine lake at dawn", "Sunrise at 3,000 metres"),
                ("Layered ridgelines fading into morning haze", ""),
                ("Calm lake surface with the reflection of snowy peaks", "Not a breath of wind"),
                ("Pale sky above a jagged mountain ridge", ""),
                ("Rippled reflection of mountains in blue water", ""),
                ("Last light on the peaks above the lake", "Evening, day five"),
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
                (
                    "City skyline at dusk with lit windows reflected in the harbour",
                    "Victoria Harbour, blue hour",
                ),
                ("Towers of different heights against a pale evening sky", ""),
                ("Reflections of office lights shimmering on the water", ""),
                ("Close view of a lit tower block at night", "Ten thousand windows"),
                ("Skyline and mountains behind it at sunset", ""),
                ("Harbour water at night with city reflections", ""),
            ],
        ),
        (
            "Desert Light, Utah",
            "Moab, Utah",
            "",
            "Red rock country in the hours around sunset, when the desert turns from ochre to violet in twenty minutes.",
            False,
            [
                ("Warm sunset sky over layered desert ridges", "Twenty minutes of colour"),
                ("Sun low above a rocky horizon", ""),
                ("Silhouetted ridges against an orange sky", ""),
                ("Soft evening haze over distant mesas", "Looking west from the rim"),
                ("Dark foreground ridge below a glowing sky", ""),
                ("The desert just after sundown", ""),
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
                ("Four glass bottles and jars with paper labels on warm beige paper", "The spring range"),
                ("Amber jar with a cream label beside a small green sprig", ""),
                ("Tall dark-green bottle with a black cap and label", "Hero shot for the web shop"),
                ("Two jars casting soft shadows on a beige background", ""),
                ("Bottles arranged in a row with a plant sprig", ""),
                ("Close view of a jar label", ""),
            ],
        ),
        (
            "Ridge Coffee Roasters",
            "Berkeley, California",
            "Ridge Coffee Roasters",
            "Packaging and lifestyle images for a roastery's rebrand: boxes, tins and bottles of cold brew on muted colour.",
            False,
            [
                ("Coffee boxes with cream labels on a sage background", "New packaging"),
                ("Cold brew bottle beside a coffee box", ""),
                ("Three products arranged on a muted green backdrop", ""),
                ("Coffee tin with its lid beside leaves", "The single-origin tin"),
                ("Box and bottle casting long shadows", ""),
                ("Product family shot for the homepage", ""),
            ],
        ),
        (
            "Marlow Olive Oil",
            "Paso Robles, California",
            "Marlow Estate",
            "Bottles of estate olive oil on dark and light grounds for a catalogue, a trade fair and the label redesign.",
            False,
            [
                ("Olive oil bottles on a dark charcoal background", "The catalogue cover"),
                ("Single bottle with a cream label and black cap", ""),
                ("Bottles and a jar of olives under soft top light", ""),
                ("Bottle with a sprig of olive leaves", "Estate reserve"),
                ("Two bottles of different heights side by side", ""),
                ("Product group for the trade fair stand", ""),
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
BRANDING_GALLERY = [
    "Portrait of a designer against a grey backdrop",
    "Portrait in soft window light",
    "Founder portrait with warm backdrop",
]
PORTRAIT_ALT = "Portrait of S. Goodie, photographer, in soft studio light"
HERO_ALT = "A bright living room with a long sofa and morning light across an oak floor"
