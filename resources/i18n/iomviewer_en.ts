<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="fr_FR">
<context>
    <name>Actions</name>
    <message>
        <source>&amp;Ouvrir un jeu de données…</source>
        <translation>&amp;Open Dataset…</translation>
    </message>
    <message>
        <source>Ouvrir un autre fichier de données JSON</source>
        <translation>Open another JSON data file</translation>
    </message>
    <message>
        <source>&amp;Exporter l&apos;organigramme…</source>
        <translation>&amp;Export Org Chart…</translation>
    </message>
    <message>
        <source>Exporter en SVG, PDF ou PNG</source>
        <translation>Export as SVG, PDF or PNG</translation>
    </message>
    <message>
        <source>&amp;Imprimer…</source>
        <translation>&amp;Print…</translation>
    </message>
    <message>
        <source>Imprimer l&apos;organigramme, avec aperçu</source>
        <translation>Print the org chart, with a preview</translation>
    </message>
    <message>
        <source>&amp;Quitter</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>&amp;Copier</source>
        <translation>&amp;Copy</translation>
    </message>
    <message>
        <source>Copier le texte sélectionné, ou le nom de l&apos;unité</source>
        <translation>Copy the selected text, or the unit&apos;s name</translation>
    </message>
    <message>
        <source>&amp;Rechercher…</source>
        <translation>&amp;Find…</translation>
    </message>
    <message>
        <source>Rechercher une unité par nom, sigle ou mandat</source>
        <translation>Find a unit by name, acronym or mandate</translation>
    </message>
    <message>
        <source>&amp;Précédent</source>
        <translation>&amp;Back</translation>
    </message>
    <message>
        <source>Revenir à l&apos;unité précédente</source>
        <translation>Go back to the previous unit</translation>
    </message>
    <message>
        <source>&amp;Suivant</source>
        <translation>&amp;Forward</translation>
    </message>
    <message>
        <source>Aller à l&apos;unité suivante</source>
        <translation>Go forward to the next unit</translation>
    </message>
    <message>
        <source>Unité &amp;parente</source>
        <translation>&amp;Parent Unit</translation>
    </message>
    <message>
        <source>Sélectionner l&apos;unité parente</source>
        <translation>Select the parent unit</translation>
    </message>
    <message>
        <source>Zoom &amp;avant</source>
        <translation>Zoom &amp;In</translation>
    </message>
    <message>
        <source>Zoom a&amp;rrière</source>
        <translation>Zoom &amp;Out</translation>
    </message>
    <message>
        <source>&amp;Ajuster à la fenêtre</source>
        <translation>&amp;Fit to Window</translation>
    </message>
    <message>
        <source>Afficher tout l&apos;organigramme</source>
        <translation>Show the whole org chart</translation>
    </message>
    <message>
        <source>Taille &amp;réelle</source>
        <translation>&amp;Actual Size</translation>
    </message>
    <message>
        <source>&amp;Centrer sur la sélection</source>
        <translation>&amp;Centre on Selection</translation>
    </message>
    <message>
        <source>De &amp;haut en bas</source>
        <translation>&amp;Top to Bottom</translation>
    </message>
    <message>
        <source>Organigramme vertical</source>
        <translation>Vertical org chart</translation>
    </message>
    <message>
        <source>De &amp;gauche à droite</source>
        <translation>Left to &amp;Right</translation>
    </message>
    <message>
        <source>Organigramme horizontal</source>
        <translation>Horizontal org chart</translation>
    </message>
    <message>
        <source>&amp;Compact</source>
        <translation>Co&amp;mpact</translation>
    </message>
    <message>
        <source>Empiler les unités terminales en colonne</source>
        <translation>Stack units with no subordinates in a column</translation>
    </message>
    <message>
        <source>&amp;Branche sélectionnée seulement</source>
        <translation>Selected &amp;Branch Only</translation>
    </message>
    <message>
        <source>N&apos;afficher que la branche de l&apos;unité sélectionnée</source>
        <translation>Show only the selected unit&apos;s branch</translation>
    </message>
    <message>
        <source>Liens &amp;secondaires</source>
        <translation>&amp;Secondary Links</translation>
    </message>
    <message>
        <source>Afficher les liens de supervision, d&apos;appui et les autres lectures</source>
        <translation>Show supervision and support links, and alternative readings</translation>
    </message>
    <message>
        <source>Lé&amp;gende</source>
        <translation>Le&amp;gend</translation>
    </message>
    <message>
        <source>Afficher la légende des types d&apos;unités</source>
        <translation>Show the legend of unit types</translation>
    </message>
    <message>
        <source>&amp;Replier / déplier l&apos;unité</source>
        <translation>Collapse / &amp;Expand Unit</translation>
    </message>
    <message>
        <source>Masquer ou montrer les unités rattachées dans l&apos;organigramme</source>
        <translation>Hide or show the unit&apos;s subordinate units in the org chart</translation>
    </message>
    <message>
        <source>&amp;Tout déplier</source>
        <translation>E&amp;xpand All</translation>
    </message>
    <message>
        <source>Montrer toutes les unités repliées</source>
        <translation>Show all collapsed units</translation>
    </message>
    <message>
        <source>Co&amp;mparer les éditions…</source>
        <translation>Compare E&amp;ditions…</translation>
    </message>
    <message>
        <source>Montrer ce qui a changé entre deux éditions</source>
        <translation>Show what changed between two editions</translation>
    </message>
    <message>
        <source>&amp;Quitter la comparaison</source>
        <translation>Leave Com&amp;parison</translation>
    </message>
    <message>
        <source>Revenir à une seule édition</source>
        <translation>Go back to a single edition</translation>
    </message>
    <message>
        <source>Changeme&amp;nts seulement</source>
        <translation>C&amp;hanges Only</translation>
    </message>
    <message>
        <source>N&apos;afficher dans l&apos;arbre que les unités qui ont changé</source>
        <translation>Show only the units that changed in the tree</translation>
    </message>
    <message>
        <source>À &amp;propos d&apos;iomviewer</source>
        <translation>&amp;About iomviewer</translation>
    </message>
    <message>
        <source>À propos de &amp;Qt</source>
        <translation>About &amp;Qt</translation>
    </message>
    <message>
        <source>&amp;Fichier</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>&amp;Édition</source>
        <translation>&amp;Edit</translation>
    </message>
    <message>
        <source>&amp;Aller</source>
        <translation>&amp;Go</translation>
    </message>
    <message>
        <source>&amp;Affichage</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <source>&amp;Langue</source>
        <translation>&amp;Language</translation>
    </message>
    <message>
        <source>Aid&amp;e</source>
        <translation>&amp;Help</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>Langue de l&apos;interface</source>
        <translation>Interface Language</translation>
    </message>
    <message>
        <source>La langue choisie s&apos;appliquera au prochain démarrage. Redémarrer maintenant ?</source>
        <translation>The chosen language will take effect the next time iomviewer starts. Restart now?</translation>
    </message>
</context>
<context>
    <name>ChangeListPanel</name>
    <message>
        <source>Ajoutées</source>
        <translation>Added</translation>
    </message>
    <message>
        <source>Supprimées</source>
        <translation>Removed</translation>
    </message>
    <message>
        <source>Renommées</source>
        <translation>Renamed</translation>
    </message>
    <message>
        <source>Déplacées</source>
        <translation>Moved</translation>
    </message>
    <message>
        <source>Mandat modifié</source>
        <translation>Mandate changed</translation>
    </message>
    <message>
        <source>Hors du champ de l&apos;édition B (partielle)</source>
        <translation>Outside edition B (partial)</translation>
    </message>
    <message>
        <source>Hors du champ de l&apos;édition A (partielle)</source>
        <translation>Outside edition A (partial)</translation>
    </message>
    <message>
        <source>{0} (anc. « {1} »)</source>
        <translation>{0} (formerly “{1}”)</translation>
    </message>
    <message>
        <source>{0} : {1} → {2}</source>
        <translation>{0}: {1} → {2}</translation>
    </message>
    <message>
        <source>{0} changement(s) sur {1} unité(s)</source>
        <translation>{0} change(s) in {1} unit(s)</translation>
    </message>
    <message>
        <source>A : {0}
B : {1}</source>
        <translation>A: {0}
B: {1}</translation>
    </message>
    <message>
        <source>Liste des changements</source>
        <translation>List of changes</translation>
    </message>
    <message>
        <source>Changements groupés par nature puis par branche ; Entrée ou un clic sélectionne l&apos;unité</source>
        <translation>Changes grouped by kind, then by branch; Enter or a click selects the unit</translation>
    </message>
</context>
<context>
    <name>ChartController</name>
    <message>
        <source>Grande organisation ({0} unités) : l&apos;organigramme montre {1} niveau(x) sous la racine ({2} unités). Choisissez une profondeur ou une branche pour en voir davantage.</source>
        <translation>Large organisation ({0} units): the chart shows {1} level(s) below the root ({2} units). Choose a depth or a branch to see more.</translation>
    </message>
</context>
<context>
    <name>ChartLegend</name>
    <message>
        <source>Légende de l&apos;organigramme</source>
        <translation>Org chart legend</translation>
    </message>
</context>
<context>
    <name>ChartView</name>
    <message>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Organigramme</source>
        <translation>Org chart</translation>
    </message>
    <message>
        <source>Replier / déplier les unités rattachées</source>
        <translation>Collapse / Expand Subordinate Units</translation>
    </message>
    <message>
        <source>Centrer sur cette unité</source>
        <translation>Centre on This Unit</translation>
    </message>
    <message>
        <source>Ajuster à la fenêtre</source>
        <translation>Fit to Window</translation>
    </message>
    <message>
        <source>Taille réelle (100 %)</source>
        <translation>Actual Size (100%)</translation>
    </message>
    <message>
        <source>Mise en page…</source>
        <translation>Laying out…</translation>
    </message>
    <message>
        <source>Dessin de l&apos;organigramme…</source>
        <translation>Drawing the chart…</translation>
    </message>
</context>
<context>
    <name>CompareBar</name>
    <message>
        <source>Échanger A et B</source>
        <translation>Swap A and B</translation>
    </message>
    <message>
        <source>Comparer dans l&apos;autre sens</source>
        <translation>Compare the other way round</translation>
    </message>
    <message>
        <source>Replier l&apos;inchangé</source>
        <translation>Fold Unchanged</translation>
    </message>
    <message>
        <source>Replier dans l&apos;organigramme les branches où rien n&apos;a changé</source>
        <translation>Collapse the chart’s branches where nothing changed</translation>
    </message>
    <message>
        <source>Comparaison : {0} → {1} — {2} changement(s)</source>
        <translation>Comparison: {0} → {1} — {2} change(s)</translation>
    </message>
    <message>
        <source>A : {0}
B : {1}</source>
        <translation>A: {0}
B: {1}</translation>
    </message>
</context>
<context>
    <name>CompareDialog</name>
    <message>
        <source>Comparer les éditions</source>
        <translation>Compare Editions</translation>
    </message>
    <message>
        <source> (partielle)</source>
        <translation> (partial)</translation>
    </message>
    <message>
        <source>Édition A, la plus ancienne</source>
        <translation>Edition A, the older one</translation>
    </message>
    <message>
        <source>Édition B, la plus récente</source>
        <translation>Edition B, the newer one</translation>
    </message>
    <message>
        <source>&amp;Échanger A et B</source>
        <translation>&amp;Swap A and B</translation>
    </message>
    <message>
        <source>Édition &amp;A (avant) :</source>
        <translation>Edition &amp;A (before):</translation>
    </message>
    <message>
        <source>Édition &amp;B (après) :</source>
        <translation>Edition &amp;B (after):</translation>
    </message>
    <message>
        <source>&amp;Comparer</source>
        <translation>&amp;Compare</translation>
    </message>
    <message>
        <source>Choisissez deux éditions différentes.</source>
        <translation>Choose two different editions.</translation>
    </message>
</context>
<context>
    <name>CompareMode</name>
    <message>
        <source>Édition inconnue : {0}</source>
        <translation>Unknown edition: {0}</translation>
    </message>
    <message>
        <source>Choisissez deux éditions différentes.</source>
        <translation>Choose two different editions.</translation>
    </message>
    <message>
        <source>iomviewer — Comparaison : {0} → {1}</source>
        <translation>iomviewer — Comparison: {0} → {1}</translation>
    </message>
</context>
<context>
    <name>DetailPane</name>
    <message>
        <source>Sélectionnez une unité dans l&apos;arbre ou l&apos;organigramme</source>
        <translation>Select a unit in the tree or the org chart</translation>
    </message>
    <message>
        <source>les sources ne couvrent qu&apos;une partie de la structure.</source>
        <translation>the sources cover only part of the structure.</translation>
    </message>
    <message>
        <source>Édition partielle : {0}</source>
        <translation>Partial edition: {0}</translation>
    </message>
    <message>
        <source>Détails de l&apos;unité</source>
        <translation>Unit details</translation>
    </message>
    <message>
        <source>Avertissement sur l&apos;édition</source>
        <translation>Edition warning</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <source>Jeu de données invalide</source>
        <translation>Invalid Dataset</translation>
    </message>
    <message>
        <source>Le fichier {0} ne peut pas être ouvert : {1} problème(s). Les données actuelles restent chargées.</source>
        <translation>The file {0} cannot be opened: {1} problem(s). The current data is still loaded.</translation>
    </message>
    <message>
        <source>… et {0} autre(s)</source>
        <translation>… and {0} more</translation>
    </message>
    <message>
        <source>unités</source>
        <translation>units</translation>
    </message>
    <message>
        <source>partielle</source>
        <translation>partial</translation>
    </message>
    <message>
        <source>Explorer l&apos;organisation de l&apos;OIM : arbre, organigramme Graphviz, mandats, recherche, comparaison et export.</source>
        <translation>Explore how IOM is organised: tree, Graphviz org chart, mandates, search, comparison and export.</translation>
    </message>
    <message>
        <source>Éditions des données</source>
        <translation>Data editions</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>Sources</translation>
    </message>
    <message>
        <source>Les textes sont repris mot pour mot des pages sources, en français.</source>
        <translation>Texts are quoted word for word from the source pages, in French.</translation>
    </message>
</context>
<context>
    <name>ErrorHandler</name>
    <message>
        <source>Erreur inattendue</source>
        <translation>Unexpected Error</translation>
    </message>
    <message>
        <source>Une erreur inattendue s&apos;est produite ; l&apos;application continue.</source>
        <translation>An unexpected error occurred; the application is still running.</translation>
    </message>
    <message>
        <source>Détails dans le journal : {0}</source>
        <translation>Details in the log: {0}</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Exporter l&apos;organigramme</source>
        <translation>Export Org Chart</translation>
    </message>
    <message>
        <source>Étendue</source>
        <translation>Scope</translation>
    </message>
    <message>
        <source>Toute l&apos;édition</source>
        <translation>Whole edition</translation>
    </message>
    <message>
        <source>aucune unité sélectionnée</source>
        <translation>no unit selected</translation>
    </message>
    <message>
        <source>Branche sélectionnée : {0}</source>
        <translation>Selected branch: {0}</translation>
    </message>
    <message>
        <source>Vue actuelle (unités repliées, résultats de recherche, sens, mode compact)</source>
        <translation>Current view (collapsed units, search results, direction, compact mode)</translation>
    </message>
    <message>
        <source>tous les niveaux</source>
        <translation>all levels</translation>
    </message>
    <message>
        <source>Profondeur de la branche</source>
        <translation>Branch depth</translation>
    </message>
    <message>
        <source>P&amp;rofondeur :</source>
        <translation>&amp;Depth:</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>Document</translation>
    </message>
    <message>
        <source>PDF (vectoriel, texte sélectionnable)</source>
        <translation>PDF (vector, selectable text)</translation>
    </message>
    <message>
        <source>SVG (vectoriel, pour le web)</source>
        <translation>SVG (vector, for the web)</translation>
    </message>
    <message>
        <source>PNG (image)</source>
        <translation>PNG (image)</translation>
    </message>
    <message>
        <source>&amp;Format :</source>
        <translation>&amp;Format:</translation>
    </message>
    <message>
        <source>Ajustée à l&apos;organigramme</source>
        <translation>Fitted to the org chart</translation>
    </message>
    <message>
        <source>Lettre US</source>
        <translation>US Letter</translation>
    </message>
    <message>
        <source>Diapositive 16:9</source>
        <translation>16:9 slide</translation>
    </message>
    <message>
        <source>&amp;Page :</source>
        <translation>&amp;Page:</translation>
    </message>
    <message>
        <source>Automatique</source>
        <translation>Automatic</translation>
    </message>
    <message>
        <source>Portrait</source>
        <translation>Portrait</translation>
    </message>
    <message>
        <source>Paysage</source>
        <translation>Landscape</translation>
    </message>
    <message>
        <source>&amp;Orientation :</source>
        <translation>&amp;Orientation:</translation>
    </message>
    <message>
        <source>sans titre</source>
        <translation>untitled</translation>
    </message>
    <message>
        <source>&amp;Titre :</source>
        <translation>&amp;Title:</translation>
    </message>
    <message>
        <source>sans sous-titre</source>
        <translation>no subtitle</translation>
    </message>
    <message>
        <source>&amp;Sous-titre :</source>
        <translation>&amp;Subtitle:</translation>
    </message>
    <message>
        <source>Légende des types d&apos;unités</source>
        <translation>Legend of unit types</translation>
    </message>
    <message>
        <source>Pied de page (période, sources, date d&apos;export)</source>
        <translation>Footer (period, sources, export date)</translation>
    </message>
    <message>
        <source>Disposition de l&apos;écran (sinon composée pour la page)</source>
        <translation>Screen layout (otherwise composed for the page)</translation>
    </message>
    <message>
        <source>Sur une page A4, A3, Letter ou diapositive, l&apos;organigramme est recomposé pour la page : colonnes serrées, texte plus grand. Cochez pour garder la disposition affichée à l&apos;écran.</source>
        <translation>On an A4, A3, Letter or slide page, the chart is recomposed for the page: tighter columns, larger text. Check this to keep the layout shown on screen.</translation>
    </message>
    <message>
        <source>Taille du texte :</source>
        <translation>Text size:</translation>
    </message>
    <message>
        <source>Image PNG</source>
        <translation>PNG image</translation>
    </message>
    <message>
        <source> ppp</source>
        <translation> dpi</translation>
    </message>
    <message>
        <source>&amp;Résolution :</source>
        <translation>&amp;Resolution:</translation>
    </message>
    <message>
        <source>Fond transparent</source>
        <translation>Transparent background</translation>
    </message>
    <message>
        <source>Dossier PDF</source>
        <translation>PDF dossier</translation>
    </message>
    <message>
        <source>Une page par branche, après une vue d&apos;ensemble</source>
        <translation>One page per branch, after an overview</translation>
    </message>
    <message>
        <source>Annexe : mandats des unités montrées</source>
        <translation>Appendix: mandates of the units shown</translation>
    </message>
    <message>
        <source>&amp;Exporter…</source>
        <translation>&amp;Export…</translation>
    </message>
    <message>
        <source>estimation…</source>
        <translation>estimating…</translation>
    </message>
    <message>
        <source>une page par branche, chacune coupée pour rester lisible</source>
        <translation>one page per branch, each cut to stay readable</translation>
    </message>
    <message>
        <source>noms des unités à {0} pt sur la page</source>
        <translation>unit names at {0} pt on the page</translation>
    </message>
    <message>
        <source>noms des unités à {0} pt seulement (lisibles à partir de {1} pt) : choisissez une page plus grande ou exportez une branche</source>
        <translation>unit names at only {0} pt (readable from {1} pt): choose a larger page or export a branch</translation>
    </message>
    <message>
        <source>inconnue : {0}</source>
        <translation>unknown: {0}</translation>
    </message>
    <message>
        <source>Documents PDF (*.pdf)</source>
        <translation>PDF documents (*.pdf)</translation>
    </message>
    <message>
        <source>Images SVG (*.svg)</source>
        <translation>SVG images (*.svg)</translation>
    </message>
    <message>
        <source>Images PNG (*.png)</source>
        <translation>PNG images (*.png)</translation>
    </message>
    <message>
        <source>Export en cours</source>
        <translation>Export in Progress</translation>
    </message>
    <message>
        <source>Un export est déjà en cours ; attendez qu&apos;il se termine.</source>
        <translation>An export is already running; please wait for it to finish.</translation>
    </message>
    <message>
        <source>Export de {0}…</source>
        <translation>Exporting {0}…</translation>
    </message>
    <message>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>Export annulé.</source>
        <translation>Export cancelled.</translation>
    </message>
    <message>
        <source>Organigramme exporté : {0} ({1} page(s))</source>
        <translation>Org chart exported: {0} ({1} page(s))</translation>
    </message>
    <message>
        <source>Export terminé</source>
        <translation>Export Complete</translation>
    </message>
    <message>
        <source>L&apos;organigramme a été exporté dans {0}.</source>
        <translation>The org chart has been exported to {0}.</translation>
    </message>
    <message>
        <source>erreur inattendue : {0}</source>
        <translation>unexpected error: {0}</translation>
    </message>
    <message>
        <source>Export impossible</source>
        <translation>Export Failed</translation>
    </message>
    <message>
        <source>L&apos;export a échoué : {0}</source>
        <translation>The export failed: {0}</translation>
    </message>
    <message>
        <source>Export impossible : {0}</source>
        <translation>Cannot export: {0}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>iomviewer — Organisation internationale pour les migrations</source>
        <translation>iomviewer — International Organization for Migration</translation>
    </message>
    <message>
        <source>Barre d&apos;outils</source>
        <translation>Toolbar</translation>
    </message>
    <message>
        <source> Édition : </source>
        <translation> Edition: </translation>
    </message>
    <message>
        <source>Édition</source>
        <translation>Edition</translation>
    </message>
    <message>
        <source> Profondeur : </source>
        <translation> Depth: </translation>
    </message>
    <message>
        <source>toutes</source>
        <translation>all</translation>
    </message>
    <message>
        <source>Profondeur affichée</source>
        <translation>Depth shown</translation>
    </message>
    <message>
        <source>Nombre de niveaux affichés sous la racine (0 : tous)</source>
        <translation>Number of levels shown below the root (0: all)</translation>
    </message>
    <message>
        <source>Mise en page…</source>
        <translation>Laying out…</translation>
    </message>
    <message>
        <source> (partielle)</source>
        <translation> (partial)</translation>
    </message>
    <message>
        <source>Comparaison avec une édition partielle : une unité qu&apos;elle ne décrit pas n&apos;est ni ajoutée ni supprimée (bordure pointillée).</source>
        <translation>Comparison with a partial edition: a unit it does not describe is neither added nor removed (dotted border).</translation>
    </message>
    <message>
        <source>Édition partielle : {0}</source>
        <translation>Partial edition: {0}</translation>
    </message>
    <message>
        <source>« {0} » n&apos;existe pas dans l&apos;édition « {1} ».</source>
        <translation>‘{0}’ does not exist in the ‘{1}’ edition.</translation>
    </message>
    <message>
        <source>« {0} » n&apos;est pas dans l&apos;organigramme affiché (profondeur limitée ou branche repliée) : il montre « {1} », dont relève cette unité.</source>
        <translation>‘{0}’ is not in the chart shown (limited depth or folded branch): it shows ‘{1}’, which this unit comes under.</translation>
    </message>
    <message>
        <source>{0} unité(s) correspondent à « {1} »</source>
        <translation>{0} unit(s) match ‘{1}’</translation>
    </message>
    <message>
        <source>auto ({0})</source>
        <translation>auto ({0})</translation>
    </message>
    <message>
        <source>Tout afficher (peut prendre une minute)</source>
        <translation>Show everything (may take a minute)</translation>
    </message>
    <message>
        <source>La mise en page a échoué : {0}</source>
        <translation>Layout failed: {0}</translation>
    </message>
    <message>
        <source>Jeu de données ouvert : {0}</source>
        <translation>Dataset opened: {0}</translation>
    </message>
    <message>
        <source>Ouvrir un jeu de données</source>
        <translation>Open Dataset</translation>
    </message>
    <message>
        <source>Données JSON (*.json);;Tous les fichiers (*)</source>
        <translation>JSON data (*.json);;All files (*)</translation>
    </message>
    <message>
        <source>Chargement de {0}…</source>
        <translation>Loading {0}…</translation>
    </message>
    <message>
        <source>À propos d&apos;iomviewer</source>
        <translation>About iomviewer</translation>
    </message>
</context>
<context>
    <name>Printing</name>
    <message>
        <source>Impression impossible</source>
        <translation>Cannot Print</translation>
    </message>
    <message>
        <source>Aperçu avant impression</source>
        <translation>Print Preview</translation>
    </message>
</context>
<context>
    <name>ResultDelegate</name>
    <message>
        <source>sigle </source>
        <translation>acronym </translation>
    </message>
    <message>
        <source>autre nom : </source>
        <translation>other name: </translation>
    </message>
</context>
<context>
    <name>SearchBox</name>
    <message>
        <source>Index en préparation…</source>
        <translation>Preparing the index…</translation>
    </message>
    <message>
        <source>Aucun résultat</source>
        <translation>No results</translation>
    </message>
    <message>
        <source>1 résultat</source>
        <translation>1 result</translation>
    </message>
    <message>
        <source>{0} résultats ({1} premiers affichés)</source>
        <translation>{0} results (first {1} shown)</translation>
    </message>
    <message>
        <source>{0} résultats</source>
        <translation>{0} results</translation>
    </message>
    <message>
        <source>Rechercher une unité… (Ctrl+F)</source>
        <translation>Find a unit… (Ctrl+F)</translation>
    </message>
    <message>
        <source>Rechercher une unité</source>
        <translation>Find a unit</translation>
    </message>
    <message>
        <source>Nom, sigle, autre nom ou mots du mandat ; Entrée choisit, Échap efface</source>
        <translation>Name, acronym, other name or words from the mandate; Enter selects, Esc clears</translation>
    </message>
    <message>
        <source>Résultats de la recherche</source>
        <translation>Search results</translation>
    </message>
    <message>
        <source>Nombre de résultats</source>
        <translation>Number of results</translation>
    </message>
</context>
<context>
    <name>TreePanel</name>
    <message>
        <source>Arbre des unités</source>
        <translation>Unit tree</translation>
    </message>
    <message>
        <source>Flèches : parcourir ; Droite et Gauche : déplier et replier ; * : déplier toute la branche ; saisir un nom pour y aller</source>
        <translation>Arrows: move; Right and Left: expand and collapse; *: expand the whole branch; type a name to go to it</translation>
    </message>
    <message>
        <source>Développer tout</source>
        <translation>Expand All</translation>
    </message>
    <message>
        <source>Réduire tout</source>
        <translation>Collapse All</translation>
    </message>
    <message>
        <source>Copier le nom</source>
        <translation>Copy Name</translation>
    </message>
    <message>
        <source>Copier l&apos;identifiant</source>
        <translation>Copy ID</translation>
    </message>
</context>
<context>
    <name>UnitPage</name>
    <message>
        <source>(absente de cette édition)</source>
        <translation>(not in this edition)</translation>
    </message>
    <message>
        <source>sigle</source>
        <translation>acronym</translation>
    </message>
    <message>
        <source>Autres noms :</source>
        <translation>Other names:</translation>
    </message>
    <message>
        <source>Mentionné dans le texte :</source>
        <translation>Mentioned in the text:</translation>
    </message>
    <message>
        <source>Pas de mandat dans les sources</source>
        <translation>No mandate in the sources</translation>
    </message>
    <message>
        <source>Mandat</source>
        <translation>Mandate</translation>
    </message>
    <message>
        <source>ajouté</source>
        <translation>added</translation>
    </message>
    <message>
        <source>supprimé</source>
        <translation>removed</translation>
    </message>
    <message>
        <source>Pas de mandat</source>
        <translation>No mandate</translation>
    </message>
    <message>
        <source>Mandat — modifications</source>
        <translation>Mandate — changes</translation>
    </message>
    <message>
        <source>ajoutée dans B</source>
        <translation>added in B</translation>
    </message>
    <message>
        <source>supprimée dans B</source>
        <translation>removed in B</translation>
    </message>
    <message>
        <source>renommée</source>
        <translation>renamed</translation>
    </message>
    <message>
        <source>déplacée</source>
        <translation>moved</translation>
    </message>
    <message>
        <source>mandat modifié</source>
        <translation>mandate changed</translation>
    </message>
    <message>
        <source>hors du champ de l&apos;édition B, partielle : son absence n&apos;est pas une suppression</source>
        <translation>outside partial edition B: its absence is not a removal</translation>
    </message>
    <message>
        <source>hors du champ de l&apos;édition A, partielle : sa présence n&apos;est pas un ajout</source>
        <translation>outside partial edition A: its presence is not an addition</translation>
    </message>
    <message>
        <source>aucun rattachement</source>
        <translation>no parent</translation>
    </message>
    <message>
        <source>Pas de changement entre les deux éditions</source>
        <translation>No change between the two editions</translation>
    </message>
    <message>
        <source>Nom dans A : « {0} » ; dans B : « {1} »</source>
        <translation>Name in A: “{0}”; in B: “{1}”</translation>
    </message>
    <message>
        <source>Rattachement dans A :</source>
        <translation>Under, in A:</translation>
    </message>
    <message>
        <source>Rattachement dans B :</source>
        <translation>Under, in B:</translation>
    </message>
    <message>
        <source>Autre lecture : l&apos;édition partielle place l&apos;unité plus haut sans décrire les niveaux intermédiaires ; les deux rattachements sont montrés, aucun n&apos;est choisi.</source>
        <translation>Alternative reading: the partial edition places the unit higher up without describing the levels in between; both lines of authority are shown, neither is chosen.</translation>
    </message>
    <message>
        <source>Comparaison : {0} → {1}</source>
        <translation>Comparison: {0} → {1}</translation>
    </message>
    <message>
        <source>A : {0} ; B : {1}</source>
        <translation>A: {0}; B: {1}</translation>
    </message>
    <message>
        <source>Unités rattachées ({0})</source>
        <translation>Subordinate units ({0})</translation>
    </message>
    <message>
        <source>Autres liens</source>
        <translation>Other links</translation>
    </message>
    <message>
        <source>Une autre lecture des sources rattache cette unité à :</source>
        <translation>An alternative reading of the sources places this unit under:</translation>
    </message>
    <message>
        <source>Une autre lecture des sources rattache ici :</source>
        <translation>An alternative reading of the sources places here:</translation>
    </message>
    <message>
        <source>Autre lecture</source>
        <translation>Alternative reading</translation>
    </message>
    <message>
        <source>{0} cette unité :</source>
        <translation>{0} this unit:</translation>
    </message>
    <message>
        <source>Liens vers cette unité</source>
        <translation>Links to this unit</translation>
    </message>
    <message>
        <source>Historique</source>
        <translation>History</translation>
    </message>
    <message>
        <source>Renommé « {0} » dans l&apos;édition « {1} »</source>
        <translation>Renamed ‘{0}’ in the ‘{1}’ edition</translation>
    </message>
    <message>
        <source>Anciennement « {0} » (édition « {1} »)</source>
        <translation>Formerly ‘{0}’ (‘{1}’ edition)</translation>
    </message>
    <message>
        <source>Remplacé par « {0} » (édition « {1} »)</source>
        <translation>Replaced by ‘{0}’ (‘{1}’ edition)</translation>
    </message>
    <message>
        <source>Succède à « {0} » (édition « {1} »)</source>
        <translation>Succeeds ‘{0}’ (‘{1}’ edition)</translation>
    </message>
    <message>
        <source>selon :</source>
        <translation>according to:</translation>
    </message>
    <message>
        <source>, l. {0}</source>
        <translation>, l. {0}</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>Sources</translation>
    </message>
    <message>
        <source>(affichée)</source>
        <translation>(shown)</translation>
    </message>
    <message>
        <source>Présent dans les éditions</source>
        <translation>Present in editions</translation>
    </message>
</context>
<context>
    <name>UnitTreeModel</name>
    <message>
        <source>ajoutée</source>
        <translation>added</translation>
    </message>
    <message>
        <source>renommée</source>
        <translation>renamed</translation>
    </message>
    <message>
        <source>déplacée</source>
        <translation>moved</translation>
    </message>
    <message>
        <source>supprimée</source>
        <translation>removed</translation>
    </message>
    <message>
        <source>mandat modifié</source>
        <translation>mandate changed</translation>
    </message>
    <message>
        <source>hors du champ de l&apos;édition B</source>
        <translation>outside edition B</translation>
    </message>
    <message>
        <source>hors du champ de l&apos;édition A</source>
        <translation>outside edition A</translation>
    </message>
    <message>
        <source>niveau {0}</source>
        <translation>level {0}</translation>
    </message>
    <message>
        <source>dans {0}</source>
        <translation>in {0}</translation>
    </message>
    <message>
        <source>correspond à la recherche</source>
        <translation>matches the search</translation>
    </message>
</context>
<context>
    <name>chart</name>
    <message>
        <source>ajoutée</source>
        <translation>added</translation>
    </message>
    <message>
        <source>supprimée</source>
        <translation>removed</translation>
    </message>
    <message>
        <source>renommée</source>
        <translation>renamed</translation>
    </message>
    <message>
        <source>déplacée</source>
        <translation>moved</translation>
    </message>
    <message>
        <source>mandat modifié</source>
        <translation>mandate changed</translation>
    </message>
    <message>
        <source>hors du champ de l&apos;édition</source>
        <translation>outside the edition&apos;s scope</translation>
    </message>
    <message>
        <source>hors du champ de l&apos;édition de référence</source>
        <translation>outside the reference edition&apos;s scope</translation>
    </message>
</context>
</TS>
