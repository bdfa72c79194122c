/* The rich text editor of the admin (contests.widgets.RichTextEditor).
 *
 * Each `[data-rich-text-editor]` holds the field's ordinary textarea; this script puts a
 * ProseMirror editor (vendored bundle, global `ProseMirror`) in its place and writes the
 * editor's HTML back into the textarea whenever the text changes, so the form posts exactly
 * what it would have posted without JavaScript. The server sanitises it again with nh3
 * (contests/rich_text.py): the schema below only mirrors that allow-list so that what the
 * organiser sees is what will be kept.
 *
 * The textarea is left as it is (no editor) when the script cannot run, and for a text the
 * editor would change on loading (a table: the allow-list has tables, the editor does not).
 * The toolbar's labels come from the widget's template (gettext), not from this file. */
(function () {
  "use strict";

  const PM = window.ProseMirror;
  if (!PM) {
    return;
  }
  const SAFE_URL = /^(https?:\/\/|mailto:)/i;
  // Links already in a text may also be relative ("/cuoc-thi/...", "#muc-2"): nh3 keeps them.
  const KEPT_URL = /^(https?:\/\/|mailto:|\/(?!\/)|#)/i;
  const HAS_TAG = /<[a-zA-Z/!]/; // as contests.rich_text: no tag at all means plain text

  const schema = new PM.Schema({
    nodes: {
      doc: { content: "block+" },
      paragraph: {
        content: "inline*",
        group: "block",
        parseDOM: [{ tag: "p" }],
        toDOM: () => ["p", 0],
      },
      heading: {
        attrs: { level: { default: 3 } },
        content: "inline*",
        group: "block",
        defining: true,
        parseDOM: [
          { tag: "h1", attrs: { level: 2 } },
          { tag: "h2", attrs: { level: 2 } },
          { tag: "h3", attrs: { level: 3 } },
          { tag: "h4", attrs: { level: 4 } },
          { tag: "h5", attrs: { level: 4 } },
          { tag: "h6", attrs: { level: 4 } },
        ],
        toDOM: (node) => ["h" + node.attrs.level, 0],
      },
      blockquote: {
        content: "block+",
        group: "block",
        defining: true,
        parseDOM: [{ tag: "blockquote" }],
        toDOM: () => ["blockquote", 0],
      },
      bullet_list: {
        content: "list_item+",
        group: "block",
        parseDOM: [{ tag: "ul" }],
        toDOM: () => ["ul", 0],
      },
      ordered_list: {
        content: "list_item+",
        group: "block",
        parseDOM: [{ tag: "ol" }],
        toDOM: () => ["ol", 0],
      },
      list_item: {
        content: "paragraph block*",
        defining: true,
        parseDOM: [{ tag: "li" }],
        toDOM: () => ["li", 0],
      },
      text: { group: "inline" },
      hard_break: {
        inline: true,
        group: "inline",
        selectable: false,
        parseDOM: [{ tag: "br" }],
        toDOM: () => ["br"],
      },
    },
    marks: {
      link: {
        attrs: { href: {}, title: { default: null } },
        inclusive: false,
        parseDOM: [
          {
            tag: "a[href]",
            getAttrs: (dom) => {
              const href = dom.getAttribute("href") || "";
              // A javascript: (or any other) link is kept as its text only.
              return KEPT_URL.test(href) ? { href, title: dom.getAttribute("title") } : false;
            },
          },
        ],
        toDOM: (mark) => ["a", { href: mark.attrs.href, title: mark.attrs.title }, 0],
      },
      strong: {
        parseDOM: [
          { tag: "strong" },
          // Google Docs wraps everything in <b style="font-weight:normal">.
          { tag: "b", getAttrs: (dom) => dom.style.fontWeight !== "normal" && null },
          { style: "font-weight", getAttrs: (v) => /^(bold(er)?|[5-9]\d\d)$/.test(v) && null },
        ],
        toDOM: () => ["strong", 0],
      },
      em: {
        parseDOM: [{ tag: "em" }, { tag: "i" }, { style: "font-style=italic" }],
        toDOM: () => ["em", 0],
      },
      underline: {
        parseDOM: [{ tag: "u" }],
        toDOM: () => ["u", 0],
      },
    },
  });
  const nodes = schema.nodes;
  const marks = schema.marks;

  /* The textarea's value as a DOM body to parse. An inert document: nothing in it loads or
   * runs. Plain text (typed before the editor existed, or imported from Excel) becomes
   * paragraphs at blank lines and line breaks at single ones, as the `rich_text` template
   * filter shows it on the public page. */
  function sourceBody(value) {
    const doc = document.implementation.createHTMLDocument("");
    if (HAS_TAG.test(value)) {
      doc.body.innerHTML = value;
      return doc.body;
    }
    value
      .replace(/\r\n?/g, "\n")
      .split(/\n\s*\n/)
      .filter((text) => text.trim() !== "")
      .forEach((text) => {
        const p = doc.createElement("p");
        text.split("\n").forEach((line, i) => {
          if (i > 0) {
            p.appendChild(doc.createElement("br"));
          }
          p.appendChild(doc.createTextNode(line));
        });
        doc.body.appendChild(p);
      });
    return doc.body;
  }

  function serialise(doc) {
    const first = doc.firstChild;
    if (doc.childCount === 1 && first.type === nodes.paragraph && first.content.size === 0) {
      return "";
    }
    const holder = document.createElement("div");
    holder.appendChild(PM.DOMSerializer.fromSchema(schema).serializeFragment(doc.content));
    // A list item's first paragraph is written as the item's own text (<li>Một</li>, as
    // organisers' HTML and the demo have it; a <p> would space the items apart on the public
    // page). Read back, ProseMirror puts it in a paragraph again.
    holder.querySelectorAll("li").forEach((item) => {
      const first = item.firstElementChild;
      if (first && first.tagName === "P" && item.firstChild === first) {
        first.replaceWith(...first.childNodes);
      }
    });
    return holder.innerHTML;
  }

  function ancestor(state, types) {
    const $from = state.selection.$from;
    for (let depth = $from.depth; depth > 0; depth--) {
      const node = $from.node(depth);
      if (types.includes(node.type)) {
        return { node, pos: $from.before(depth) };
      }
    }
    return null;
  }

  function markActive(state, type) {
    const { from, to, empty, $from } = state.selection;
    if (empty) {
      return Boolean(type.isInSet(state.storedMarks || $from.marks()));
    }
    return state.doc.rangeHasMark(from, to, type);
  }

  /* The whole link around the cursor (or the selection's first link): from, to, href. */
  function linkAround(state) {
    const { $from } = state.selection;
    const start = $from.start();
    const pieces = [];
    $from.parent.forEach((child, offset) => {
      pieces.push({
        from: start + offset,
        to: start + offset + child.nodeSize,
        mark: marks.link.isInSet(child.marks),
      });
    });
    const at = pieces.findIndex((p) => p.mark && p.from <= $from.pos && $from.pos <= p.to);
    if (at < 0) {
      return null;
    }
    const same = (p) => p && p.mark && p.mark.eq(pieces[at].mark);
    let first = at;
    let last = at;
    while (same(pieces[first - 1])) first--;
    while (same(pieces[last + 1])) last++;
    return { from: pieces[first].from, to: pieces[last].to, href: pieces[at].mark.attrs.href };
  }

  function toggleList(type) {
    return (state, dispatch) => {
      const list = ancestor(state, [nodes.bullet_list, nodes.ordered_list]);
      if (list && list.node.type === type) {
        return PM.liftListItem(nodes.list_item)(state, dispatch);
      }
      if (list) {
        if (dispatch) {
          dispatch(state.tr.setNodeMarkup(list.pos, type));
        }
        return true;
      }
      return PM.wrapInList(type)(state, dispatch);
    };
  }

  const commands = {
    bold: PM.toggleMark(marks.strong),
    italic: PM.toggleMark(marks.em),
    heading: (state, dispatch) =>
      state.selection.$from.parent.type === nodes.heading
        ? PM.setBlockType(nodes.paragraph)(state, dispatch)
        : PM.setBlockType(nodes.heading, { level: 3 })(state, dispatch),
    bullet_list: toggleList(nodes.bullet_list),
    ordered_list: toggleList(nodes.ordered_list),
    blockquote: (state, dispatch) =>
      ancestor(state, [nodes.blockquote])
        ? PM.lift(state, dispatch)
        : PM.wrapIn(nodes.blockquote)(state, dispatch),
    undo: PM.undo,
    redo: PM.redo,
  };

  const pressed = {
    bold: (state) => markActive(state, marks.strong),
    italic: (state) => markActive(state, marks.em),
    heading: (state) => state.selection.$from.parent.type === nodes.heading,
    bullet_list: (state) => {
      const list = ancestor(state, [nodes.bullet_list, nodes.ordered_list]);
      return Boolean(list && list.node.type === nodes.bullet_list);
    },
    ordered_list: (state) => {
      const list = ancestor(state, [nodes.bullet_list, nodes.ordered_list]);
      return Boolean(list && list.node.type === nodes.ordered_list);
    },
    blockquote: (state) => Boolean(ancestor(state, [nodes.blockquote])),
    link: (state) => Boolean(linkAround(state)) || markActive(state, marks.link),
  };

  const hardBreak = (state, dispatch) => {
    if (dispatch) {
      dispatch(state.tr.replaceSelectionWith(nodes.hard_break.create()).scrollIntoView());
    }
    return true;
  };

  function keymaps() {
    return [
      PM.history(),
      PM.keymap({
        "Mod-z": PM.undo,
        "Shift-Mod-z": PM.redo,
        "Mod-y": PM.redo,
        "Mod-b": PM.toggleMark(marks.strong),
        "Mod-i": PM.toggleMark(marks.em),
        "Mod-u": PM.toggleMark(marks.underline),
        Enter: PM.splitListItem(nodes.list_item),
        "Mod-[": PM.liftListItem(nodes.list_item),
        "Mod-]": PM.sinkListItem(nodes.list_item),
        "Shift-Enter": PM.chainCommands(PM.exitCode, hardBreak),
      }),
      PM.keymap(PM.baseKeymap),
    ];
  }

  function labelFor(textarea) {
    const label = textarea.id ? document.querySelector(`label[for="${textarea.id}"]`) : null;
    if (label && !label.id) {
      label.id = `${textarea.id}-label`;
    }
    return label;
  }

  function enhance(box) {
    const textarea = box.querySelector("textarea");
    const template = box.querySelector("template.rte-toolbar-template");
    if (!textarea || !template || box.classList.contains("rte-ready")) {
      return;
    }
    const body = sourceBody(textarea.value);
    if (body.querySelector("table")) {
      box.querySelector(".rte-unsupported").hidden = false;
      return;
    }

    const parts = template.content.cloneNode(true);
    const toolbar = parts.querySelector(".rte-toolbar");
    const linkForm = parts.querySelector(".rte-link-form");
    const linkUrl = linkForm.querySelector(".rte-link-url");
    const linkError = linkForm.querySelector(".rte-link-error");
    const mount = document.createElement("div");
    mount.className = "rte-editor";
    const label = labelFor(textarea);
    const attributes = { class: "rte-content", role: "textbox", "aria-multiline": "true" };
    if (label) {
      attributes["aria-labelledby"] = label.id;
    }

    let view = null;
    function refreshToolbar() {
      toolbar.querySelectorAll("[data-command]").forEach((button) => {
        const name = button.dataset.command;
        if (pressed[name]) {
          button.setAttribute("aria-pressed", String(pressed[name](view.state)));
        }
        if (name === "undo" || name === "redo") {
          button.disabled = !commands[name](view.state);
        }
      });
    }
    view = new PM.EditorView(mount, {
      state: PM.EditorState.create({
        doc: PM.DOMParser.fromSchema(schema).parse(body),
        plugins: keymaps(),
      }),
      attributes,
      dispatchTransaction(tr) {
        view.updateState(view.state.apply(tr));
        // Only a real change is written back: opening and saving a page leaves a text as
        // it was stored (a used question's explanation must not become a new version).
        if (tr.docChanged) {
          textarea.value = serialise(view.state.doc);
        }
        refreshToolbar();
      },
    });

    function closeLink() {
      linkForm.hidden = true;
      linkError.hidden = true;
      view.focus();
    }
    function applyLink() {
      const href = linkUrl.value.trim();
      if (!SAFE_URL.test(href)) {
        linkError.hidden = false;
        linkUrl.focus();
        return;
      }
      const state = view.state;
      const mark = marks.link.create({ href });
      const { from, to, empty } = state.selection;
      let tr = state.tr;
      const around = empty ? linkAround(state) : null;
      if (!empty) {
        tr = tr.removeMark(from, to, marks.link).addMark(from, to, mark);
      } else if (around) {
        tr = tr.removeMark(around.from, around.to, marks.link).addMark(around.from, around.to, mark);
      } else {
        tr = tr.insertText(href, from).addMark(from, from + href.length, mark);
      }
      view.dispatch(tr);
      closeLink();
    }
    function removeLink() {
      const state = view.state;
      const { from, to, empty } = state.selection;
      const range = empty ? linkAround(state) : { from, to };
      if (range) {
        view.dispatch(state.tr.removeMark(range.from, range.to, marks.link));
      }
      closeLink();
    }
    function openLink() {
      const around = linkAround(view.state);
      linkUrl.value = around ? around.href : "";
      linkError.hidden = true;
      linkForm.hidden = false;
      linkUrl.focus();
    }

    toolbar.addEventListener("mousedown", (event) => {
      if (event.target.closest("button")) {
        event.preventDefault(); // keep the editor's selection
      }
    });
    toolbar.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-command]");
      if (!button) {
        return;
      }
      const name = button.dataset.command;
      if (name === "link") {
        openLink();
        return;
      }
      commands[name](view.state, view.dispatch, view);
      view.focus();
    });
    linkForm.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-link]");
      if (!button) {
        return;
      }
      ({ apply: applyLink, remove: removeLink, cancel: closeLink })[button.dataset.link]();
    });
    linkUrl.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault(); // not the admin form's submit
        applyLink();
      } else if (event.key === "Escape") {
        event.preventDefault();
        closeLink();
      }
    });
    if (label) {
      label.addEventListener("click", (event) => {
        event.preventDefault();
        view.focus();
      });
    }

    box.insertBefore(mount, textarea);
    box.insertBefore(linkForm, mount);
    box.insertBefore(toolbar, linkForm);
    textarea.hidden = true;
    textarea.required = false; // a hidden required field would block the form in the browser
    box.classList.add("rte-ready");
    refreshToolbar();
  }

  function enhanceAll() {
    document.querySelectorAll("[data-rich-text-editor]").forEach(enhance);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
})();
