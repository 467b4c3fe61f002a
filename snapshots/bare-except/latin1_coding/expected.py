# -*- coding: latin-1 -*-
"""Réglages: lecture du fichier de configuration."""

import logging

logger = logging.getLogger(__name__)


def lire(chemin):
    # défaut: dictionnaire vide
    contenu = "aucun réglage"
    try:
        with open(chemin, encoding="latin-1") as f:
            contenu = f.read()
    except Exception:
        logger.exception("Suppressed exception")
    return contenu
