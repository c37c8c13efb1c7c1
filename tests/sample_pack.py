"""A small question pack, as a study group would write it, for the pack tests."""

PACK = """pack: kelompok-belajar
questions:
  - id: kb-put-vs-patch
    skill: rest-api-design
    kind: open
    prompt: {en: "When do you use PUT instead of PATCH?", id: "Kapan pakai PUT, bukan PATCH?"}
    rubric:
      - id: replace
        weight: 2
        core: true
        label: {en: "PUT replaces the whole resource", id: "PUT mengganti seluruh resource"}
        phrases: {en: ["replace the whole", "full replacement"], id: ["mengganti seluruh", "ganti semua"]}
      - id: patch-partial
        weight: 1
        label: {en: "PATCH changes only the fields sent", id: "PATCH hanya mengubah field yang dikirim"}
        phrases: {en: ["only the fields sent", "partial update"], id: ["hanya field yang dikirim", "update sebagian"]}
    misconceptions:
      - id: patch-replaces
        label: {en: "PATCH does not replace the whole resource", id: "PATCH tidak mengganti seluruh resource"}
        phrases: {en: ["patch replaces the whole"], id: ["patch mengganti seluruh"]}
    model_answer: {en: "PUT replaces the whole resource; PATCH changes only the fields sent.", id: "PUT mengganti seluruh resource; PATCH hanya mengubah field yang dikirim."}
  - id: kb-status-created
    skill: rest-api-design
    kind: choice
    prompt: {en: "Which status code fits a successful POST that created a resource?", id: "Status code apa untuk POST yang berhasil membuat resource?"}
    options:
      - {en: "200 OK", id: "200 OK"}
      - {en: "201 Created", id: "201 Created"}
    answer: 1
    explanation: {en: "201 says a resource was created.", id: "201 menandakan resource baru dibuat."}
"""
