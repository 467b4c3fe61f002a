# -*- coding: latin-1 -*-
"""Réglages: lecture du fichier de configuration."""


def lire(chemin):
    # défaut: dictionnaire vide
    contenu = "aucun réglage"
    try:
        with open(chemin, encoding="latin-1") as f:
            contenu = f.read()
    except:
        pass
    return contenu
