package io.github.bufdsl.cli;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.github.bufdsl.api.Usage;
import java.util.Map;

/** {@code usage --json}: what {@code usage} prints, as one JSON object. */
final class UsageJson {
    private UsageJson() {
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
