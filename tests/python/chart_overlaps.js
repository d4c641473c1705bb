// Overlap check for the ECharts charts of an Evidence page, run by tests/python/test_report.py.
// Lays every live chart out at the given width (the board pack's print copies are 650 px wide,
// drawn from the same options) and returns the boxes that intersect (internal ECharts/zrender
// structures: views by component type, text drawn as tspans, labels hosted by their element).
(width) => {
    // Evidence registers every live ECharts instance on this symbol (chartWindowDebug).
    const registry = window[Symbol.for('__evidence-chart-window-debug__')] || {};
    const charts = [];
    const overlaps = [];
    for (const chart of Object.values(registry)) {
        if (!chart || chart.isDisposed() || !document.body.contains(chart.getDom())) continue;
        // The print copy is drawn at this width with the same options: lay the chart out so.
        chart.setOption({ animation: false });
        chart.resize({ width, animation: { duration: 0 } });
        chart.getZr().flush();
        const title = (chart.getOption().title || [{}])[0].text || '(untitled)';
        const kindOf = new Map();
        for (const view of chart._componentsViews) {
            if (view && view.group && view.__model) kindOf.set(view.group, view.__model.mainType);
        }
        for (const view of chart._chartsViews) {
            if (view && view.group) kindOf.set(view.group, 'series');
        }
        const boxes = [];
        for (const el of chart.getZr().storage.getDisplayList(true)) {
            if (el.invisible || el.ignore) continue;
            // Text is drawn as tspans inside a text element; a label's text element hangs off
            // the element it labels (__hostTarget).
            const isText = el.type === 'tspan' || el.type === 'text';
            const textEl = el.type === 'tspan' && el.parent ? el.parent : el;
            const host = textEl.__hostTarget || null;
            let node = host || textEl;
            let kind;
            while (node && !kind) {
                kind = kindOf.get(node);
                node = node.parent;
            }
            if (!kind) continue;
            const text = isText ? String(el.style.text ?? '') : '';
            if (isText && !text.trim()) continue;
            const rect = el.getBoundingRect().clone();
            if (el.transform) rect.applyTransform(el.transform);
            if (rect.width < 0.5 || rect.height < 0.5) continue;
            const role = kind === 'title' || kind === 'legend' ? kind
                : kind === 'markLine' ? (isText ? 'reference label' : 'reference line')
                : kind === 'series' && isText ? 'data label'
                : kind === 'series' && el.type === 'rect' ? 'bar'
                : isText ? 'axis label' : 'other';
            boxes.push({ role, host, text, rect });
        }
        const hit = (a, b) => a.rect.x < b.rect.x + b.rect.width - 1 && b.rect.x < a.rect.x + a.rect.width - 1
            && a.rect.y < b.rect.y + b.rect.height - 1 && b.rect.y < a.rect.y + a.rect.height - 1;
        const labels = new Set(['data label', 'reference label', 'axis label']);
        // Pairs that must not touch: the title and the legend with anything else drawn; a
        // label with a bar it does not label, or with another label (axis labels among
        // themselves are ECharts' own business).
        const clashes = (a, b) => {
            if (a.role === b.role && (a.role === 'title' || a.role === 'legend')) return false;
            if ([a.role, b.role].some((r) => r === 'title' || r === 'legend')) return true;
            if (a.role === 'bar' || b.role === 'bar') {
                const [bar, label] = a.role === 'bar' ? [a, b] : [b, a];
                return labels.has(label.role) && label.role !== 'axis label' && label.host !== bar.host
                    || label.role === 'reference label';
            }
            return labels.has(a.role) && labels.has(b.role) && !(a.role === 'axis label' && b.role === 'axis label');
        };
        const counted = { title: 0, legend: 0, 'data label': 0, 'reference label': 0, bar: 0 };
        for (const box of boxes) if (box.role in counted) counted[box.role] += 1;
        for (let i = 0; i < boxes.length; i++) {
            for (let j = i + 1; j < boxes.length; j++) {
                const [a, b] = [boxes[i], boxes[j]];
                if (clashes(a, b) && hit(a, b)) {
                    const name = (box) => (box.text ? `${box.role} "${box.text}"` : box.role);
                    const message = `${title}: ${name(a)} overlaps ${name(b)}`;
                    if (!overlaps.includes(message)) overlaps.push(message);
                }
            }
        }
        charts.push({ name: title, ...counted });
    }
    return { charts, overlaps };
}
