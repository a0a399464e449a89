import json
import subprocess
import sys

import pytest

from fixtures import mini_doc, variant, write_doc
from iomviewer.cli import main

pytestmark = pytest.mark.core


@pytest.fixture
def data(tmp_path):
    return str(write_doc(tmp_path, mini_doc()))


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_editions_json(capsys, data):
    code, out, _ = run(capsys, "editions", "--data", data, "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["id"] for r in rows] == ["ed-2021", "ed-2022"]
    assert rows[1]["default"] is True and rows[0]["units"] == 7 and rows[1]["units"] == 7


def test_editions_text_marks_default(capsys, data):
    code, out, _ = run(capsys, "editions", "--data", data)
    assert code == 0 and "[par défaut]" in out.splitlines()[1]


def test_list_json_fields(capsys, data):
    code, out, _ = run(capsys, "list", "--data", data, "--edition", "ed-2021", "--json")
    assert code == 0
    units = json.loads(out)
    assert len(units) == 7
    dept = next(u for u in units if u["id"] == "dept-a")
    assert dept["parent"] == "siege" and dept["kind"] == "department"
    assert dept["aliases"] == ["Relations extérieures"]
    assert dept["mandate"].startswith("Le Département appuie")
    assert dept["source"] == "test.txt:1"
    assert units[0]["parent"] is None


def test_list_text_is_indented_tree(capsys, data):
    code, out, _ = run(capsys, "list", "--data", data)
    lines = out.splitlines()
    assert lines[0].startswith("Organisation internationale")
    assert any(line.startswith("      Département des relations extérieures") for line in lines)


def test_show_by_accentless_name(capsys, data):
    code, out, _ = run(capsys, "show", "departement des relations exterieures", "--data", data, "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["id"] == "dept-a"
    assert [p["id"] for p in shown["path"]] == ["oim", "siege", "cab", "dept-a"]
    assert [c["id"] for c in shown["children"]] == ["div-a1", "div-a2"]
    assert shown["editions"] == ["ed-2021", "ed-2022"]


def test_show_text(capsys, data):
    code, out, _ = run(capsys, "show", "div-a2", "--data", data)
    assert code == 0
    assert "Chemin : Organisation internationale pour les migrations › Siège" in out
    assert "La Division supervise les services de santé." in out


def test_show_unknown_is_exit_1(capsys, data):
    code, _, err = run(capsys, "show", "nothing like this", "--data", data)
    assert code == 1 and "aucune unité" in err


def test_show_ambiguous_lists_candidates(capsys, tmp_path):
    def mutate(doc):
        doc["editions"][0]["units"][4]["name"] = "Division des partenariats internationaux"

    path = str(write_doc(tmp_path, variant(mutate)))
    code, _, err = run(capsys, "show", "Division des partenariats internationaux", "--data", path, "--edition", "ed-2021")
    assert code == 2 and "ambigu" in err and "div-a1" in err and "div-a2" in err


def test_search_json(capsys, data):
    code, out, _ = run(capsys, "search", "sante", "--data", data, "--json")
    assert code == 0
    results = json.loads(out)
    assert results[0]["id"] == "div-a2"
    assert {"id", "name", "kind", "score", "snippet"} <= set(results[0])


def test_search_nothing_found(capsys, data):
    code, _, err = run(capsys, "search", "zzzzqqq", "--data", data)
    assert code == 1 and "aucun résultat" in err


def test_validate_ok_and_warnings(capsys, data):
    code, out, _ = run(capsys, "validate", data)
    assert code == 0 and "valide" in out.splitlines()[0]


def test_validate_bad_file_one_line_per_problem(capsys, tmp_path):
    def mutate(doc):
        doc["editions"][0]["units"][3]["parent"] = "ghost"
        doc["editions"][0]["units"][6]["parent"] = None

    path = str(write_doc(tmp_path, variant(mutate)))
    code, out, _ = run(capsys, "validate", path)
    lines = out.strip().splitlines()
    assert code == 2 and len(lines) >= 2
    assert any("ghost" in line for line in lines) and any("racines" in line for line in lines)


def test_bad_data_is_one_sentence_exit_2(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{nope", encoding="utf-8")
    code, out, err = run(capsys, "list", "--data", str(bad))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_unknown_edition(capsys, data):
    code, _, err = run(capsys, "list", "--data", data, "--edition", "nope")
    assert code == 2 and "édition inconnue" in err


def test_usage_error_is_exit_2(capsys):
    code, _, err = run(capsys, "frobnicate")
    assert code == 2
    assert "frobnicate" in err and len(err.strip().splitlines()) == 1


def test_diff_json(capsys, data):
    code, out, _ = run(capsys, "diff", "ed-2021", "ed-2022", "--data", data, "--json")
    assert code == 0
    diff = json.loads(out)
    assert [c["id"] for c in diff["added"]] == ["cab"]
    assert [c["id"] for c in diff["removed"]] == ["unit-a21"]
    moved = {c["id"]: c for c in diff["moved"]}
    assert moved["dept-a"]["old_parent"] == "siege" and moved["dept-a"]["new_parent"] == "cab"
    assert [c["id"] for c in diff["mandate_changed"]] == ["dept-a"]
    assert diff["renamed"] == []


def test_diff_to_file_is_written_atomically(capsys, data, tmp_path):
    out_file = tmp_path / "report.md"
    code, out, _ = run(capsys, "diff", "ed-2021", "ed-2022", "--data", data, "-o", str(out_file))
    assert code == 0 and out == ""
    assert out_file.read_text(encoding="utf-8").strip()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_python_dash_m_entry_point(data):
    proc = subprocess.run([sys.executable, "-m", "iomviewer", "editions", "--data", data],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "ed-2021" in proc.stdout


def test_export_pdf_from_the_command_line(capsys, tmp_path):
    out = tmp_path / "oim.pdf"
    code, _, err = run(capsys, "export", str(out), "--root", "dept-relations-exterieures", "--page", "a4")
    assert code == 0, err
    assert out.read_bytes().startswith(b"%PDF")


def test_export_failure_is_exit_2_and_writes_nothing(capsys, tmp_path):
    out = tmp_path / "missing-folder" / "oim.svg"
    code, _, err = run(capsys, "export", str(out))
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert not out.parent.exists()
    code, _, err = run(capsys, "export", str(tmp_path / "x.pdf"), "--root", "no such unit")
    assert code == 2 and not (tmp_path / "x.pdf").exists()
    code, _, err = run(capsys, "export", str(tmp_path / "x.docx"))
    assert code == 2 and not (tmp_path / "x.docx").exists()


def test_the_window_parser_reads_the_window_options_as_the_whole_parser_does():
    from iomviewer.cli import build_parser

    argv = ["--data", "f.json", "--edition", "e", "--select", "u", "--lang", "en", "--compare", "a", "b",
            "--smoke-test", "-v"]
    assert vars(build_parser(commands=False).parse_args(argv)) == vars(build_parser().parse_args(argv))


def test_an_unknown_subcommand_is_named_with_the_known_ones(capsys):
    assert main(["bogus"]) == 2
    err = capsys.readouterr().err
    assert "bogus" in err and "export" in err


def test_export_runs_graphviz_in_a_helper_process_and_stops_it(tmp_path):
    from iomviewer.chart import dot

    assert main(["export", str(tmp_path / "c.svg"), "--depth", "1"]) == 0
    assert (tmp_path / "c.svg").read_bytes().lstrip().startswith(b"<?xml")
    assert not dot.helper_enabled() and dot.helper_pid() is None
