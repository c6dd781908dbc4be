package io.github.bufdsl.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** usage --plot makes a well-formed SVG or PNG. */
class PlotTest {
    private static int usage(Path dir, String... args) throws Exception {
        Path examples = Path.of(System.getProperty("bufdsl.examples", "../examples")).toAbsolutePath();
        Files.copy(examples.resolve("prealloc.buf"), dir.resolve("prealloc.buf"));
        String[] all = new String[args.length + 2];
        all[0] = "usage";
        all[1] = "prealloc.buf";
        System.arraycopy(args, 0, all, 2, args.length);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(all, dir, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        return code;
    }

    @Test
    void svgIsWellFormedAndShowsThePeak(@TempDir Path dir) throws Exception {
        assertEquals(0, usage(dir, "--var", "small=false", "--plot", "use.svg"));
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document svg = factory.newDocumentBuilder().parse(dir.resolve("use.svg").toFile());
        assertEquals("svg", svg.getDocumentElement().getTagName());
        // text is drawn as outlines: the chart has many shapes, not an empty page
        assertTrue(svg.getElementsByTagName("path").getLength() > 20, "the chart's shapes");
    }

    @Test
    void pngIsAPng(@TempDir Path dir) throws Exception {
        assertEquals(0, usage(dir, "--var", "small=true", "--plot", "use.png"));
        byte[] head = Arrays.copyOf(Files.readAllBytes(dir.resolve("use.png")), 8);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head);
    }
}
