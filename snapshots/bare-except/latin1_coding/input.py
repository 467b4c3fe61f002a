# -*- coding: latin-1 -*-
"""Réglages: lecture du fichier de configuration."""


def lire(chemin):
    # défaut: dictionnaire vide
    try:
        with open(chemin, encoding="latin-1") as f:
            return f.read()
    except:
        pass
    return "aucun réglage"
