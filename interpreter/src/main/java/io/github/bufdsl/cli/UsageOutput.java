package io.github.bufdsl.cli;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.github.bufdsl.api.BufferUsage;
import io.github.bufdsl.api.Usage;
import java.util.Map;

/** What {@code usage} prints: the sizing functions and peaks as text (the REPL's :usage too), or as JSON. */
final class UsageOutput {
    private UsageOutput() {
    }

    /** The text of {@code usage}: each block's sizing function and peaks (the REPL's :usage too). */
    static String text(Usage usage, boolean explain) {
        StringBuilder text = new StringBuilder();
        for (Usage.Block block : usage.blocks()) {
            text.append(block.sizingFunction());
            for (BufferUsage u : block.buffers().values()) {
                text.append("peak ").append(u.buffer()).append(" = ");
                if (u.formula() == null && u.pool() != null) {
                    text.append(u.peak()).append(" elements per buffer; ").append(u.pool().buffers() == null
                            ? "one buffer per processor (nbuffers(" + u.buffer() + ")), each " + u.bytes() + " bytes"
                            : u.pool().buffers() + " buffers: " + u.pool().totalPeak() + " elements ("
                                    + u.pool().totalBytes() + " bytes)").append('\n');
                } else if (u.formula() == null) {
                    text.append(u.peak()).append(" elements (").append(u.bytes()).append(" bytes)\n");
                } else if (u.worstCase()) {
                    text.append(u.formula()).append("\nworst case ").append(u.buffer()).append(" = ")
                            .append(u.peak()).append(" elements (").append(u.bytes()).append(" bytes)")
                            .append(u.when().startsWith("over ") ? ", " : " when ").append(u.when()).append('\n');
                } else {
                    text.append(u.formula()).append(" elements (").append(u.elementBytes())
                            .append(" bytes each)\n");
                }
            }
            if (block.workspace() == null && block.workspaceFormula() != null) {
                text.append("workspace of @tensor = ").append(block.workspaceFormula()).append(" elements (8 bytes each)\n");
            } else if (block.workspace() == null) {
                text.append("workspace of @tensor: not sized (").append(block.workspaceUnknown())
                        .append(")\n");
            } else if (block.workspace() > 0) {
                text.append("workspace of @tensor = ").append(block.workspace()).append(" elements (")
                        .append(8 * block.workspace()).append(" bytes)\n");
            }
            if (explain) {
                text.append(block.explanation());
            }
        }
        return text.toString();
    }

    /** {@code usage --json}: one object with the peaks, the workspace, the values given and the free variables' types. */
    static String json(Usage usage, Map<String, String> freeTypes) {
        JsonObject root = new JsonObject();
        JsonObject buffers = new JsonObject();
        usage.buffers().forEach((name, u) -> {
            JsonObject o = new JsonObject();
            if (u.formula() != null) {
                o.addProperty("formula", u.formula());
            }
            if (u.peak() != null) {
                o.addProperty("peak", u.peak());
                o.addProperty("bytes", u.bytes());
            } else {
                o.add("peak", JsonNull.INSTANCE);
                o.addProperty("bytes_per_element", u.elementBytes());
            }
            if (u.pool() != null) {
                o.addProperty("per_buffer", true);
                if (u.pool().buffers() != null) {
                    o.addProperty("buffers", u.pool().buffers());
                    o.addProperty("total_peak", u.pool().totalPeak());
                    o.addProperty("total_bytes", u.pool().totalBytes());
                }
            }
            if (u.worstCase()) {
                o.addProperty("worst_case", true);
                o.addProperty("when", u.when());
            }
            buffers.add(name, o);
        });
        root.add("buffers", buffers);
        Long workspace = usage.workspace();
        if (workspace == null || workspace > 0) {
            JsonObject w = new JsonObject();
            if (workspace == null) {
                String formula = usage.workspaceFormula();
                if (formula != null) {
                    w.addProperty("formula", formula);
                }
                w.add("peak", JsonNull.INSTANCE);
                if (formula != null) {
                    w.addProperty("bytes_per_element", 8);
                } else {
                    w.addProperty("unknown", usage.workspaceUnknown());
                }
            } else {
                w.addProperty("peak", workspace);
                w.addProperty("bytes", 8 * workspace);
            }
            root.add("workspace", w);
        }
        JsonObject varsJson = new JsonObject();
        usage.variables().forEach((k, v) -> {
            if (v instanceof Boolean b) {
                varsJson.addProperty(k, b);
            } else {
                varsJson.addProperty(k, (Number) v);
            }
        });
        root.add("vars", varsJson);
        JsonObject free = new JsonObject();
        freeTypes.forEach(free::addProperty);
        root.add("free_variables", free);
        return new com.google.gson.GsonBuilder().disableHtmlEscaping().create().toJson(root);
    }
}
