// The ORM Watch panel's behaviour: filter findings by kind, expand or collapse
// them, copy a fix or the request's patch, jump from a query to its finding.
//
// The toolbar loads this file as a module listed in the panel's `scripts`, the
// first time the panel is shown; a module runs once per page, while the panel's
// HTML can be replaced later (history panel, toolbar reload). So there is one
// delegated click listener on the document, installed once, that reads the
// event's composed path: it reaches into the toolbar's (open) shadow root, and
// keeps working whatever HTML is swapped in. No inline scripts or styles are
// used, so a strict Content-Security-Policy holds.

const FLASH_MS = 1500;

function closestIn(event, selector) {
    for (const node of event.composedPath()) {
        if (node instanceof Element && node.matches(selector)) {
            return node;
        }
        if (node instanceof Element && node.matches(".ow")) {
            return null;
        }
    }
    return null;
}

function filterFindings(button) {
    const panel = button.closest(".ow");
    const kind = button.dataset.owFilter;
    for (const other of panel.querySelectorAll("[data-ow-filter]")) {
        other.setAttribute("aria-pressed", String(other === button));
    }
    for (const finding of panel.querySelectorAll(".ow-finding")) {
        finding.hidden = Boolean(kind) && finding.dataset.owKind !== kind;
    }
    for (const section of panel.querySelectorAll(".ow-severity")) {
        section.hidden = !section.querySelector(".ow-finding:not([hidden])");
    }
    // With a kind chosen, the query list keeps only that kind's statements.
    for (const row of panel.querySelectorAll(".ow-query")) {
        const kinds = row.dataset.owKinds.split(" ");
        row.hidden = Boolean(kind) && !kinds.includes(kind);
    }
    for (const gap of panel.querySelectorAll(".ow-gap")) {
        gap.hidden = Boolean(kind);
    }
}

function expandAll(button) {
    const open = button.dataset.owExpand === "open";
    for (const details of button.closest(".ow").querySelectorAll(".ow-finding details")) {
        details.open = open;
    }
}

function flash(button, text) {
    const label = button.dataset.owLabel || button.textContent;
    button.dataset.owLabel = label;
    button.textContent = text;
    setTimeout(() => {
        button.textContent = label;
    }, FLASH_MS);
}

function copyWithSelection(button, text) {
    // navigator.clipboard needs a secure context; a LAN address over plain
    // HTTP is not one, so fall back to a selected, off-screen textarea.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "ow-offscreen";
    button.closest(".ow").append(area);
    area.select();
    let copied = false;
    try {
        copied = document.execCommand("copy");
    } catch {
        copied = false;
    }
    area.remove();
    flash(button, copied ? "Copied" : "Select and copy");
}

function copyFix(button) {
    copyText(button, button.closest(".ow-fix").querySelector(".ow-fix-code").textContent);
}

function copyPatch(button) {
    copyText(button, button.dataset.owCopyPatch);
}

function copyText(button, text) {
    if (navigator.clipboard && globalThis.isSecureContext) {
        navigator.clipboard.writeText(text).then(
            () => flash(button, "Copied"),
            () => copyWithSelection(button, text)
        );
    } else {
        copyWithSelection(button, text);
    }
}

function goToFinding(button) {
    const panel = button.closest(".ow");
    const finding = panel.querySelector(`#${CSS.escape(button.dataset.owGoto)}`);
    if (!finding) {
        return;
    }
    if (finding.hidden) {
        filterFindings(panel.querySelector('[data-ow-filter=""]'));
    }
    finding.scrollIntoView({ block: "start", behavior: "smooth" });
    finding.classList.add("ow-flash");
    setTimeout(() => finding.classList.remove("ow-flash"), FLASH_MS);
}

const ACTIONS = [
    ["[data-ow-filter]", filterFindings],
    ["[data-ow-expand]", expandAll],
    ["[data-ow-copy]", copyFix],
    ["[data-ow-copy-patch]", copyPatch],
    ["[data-ow-goto]", goToFinding],
];

if (!globalThis.ormwatchPanelReady) {
    globalThis.ormwatchPanelReady = true;
    document.addEventListener("click", (event) => {
        for (const [selector, action] of ACTIONS) {
            const target = closestIn(event, selector);
            if (target) {
                event.preventDefault();
                action(target);
                return;
            }
        }
    });
}
