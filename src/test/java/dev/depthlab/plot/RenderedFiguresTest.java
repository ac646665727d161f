package dev.depthlab.plot;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.common.AtomicFiles;
import dev.depthlab.common.UserError;
import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * Figures as files and pixels: a chart's PNG decodes at the chart's size with its line's colour in
 * it and its SVG is well-formed XML; a failed write leaves neither the figure nor a temporary file;
 * a probability map's pixels are the colours of the grid values they stand for, with the contour
 * and the points where they belong; an animated GIF reads back frame by frame with its delays.
 */
class RenderedFiguresTest {
  @TempDir Path tmp;

  private static final Curve RISING =
      new Curve("rising", new double[] {1, 2, 3, 4}, new double[] {1, 2, 3, 4}, null);

  @Test
  void aChartIsAPngOfItsSizeWithItsLineAndAWellFormedSvg() throws Exception {
    Figure f = new Figure("rising", "Rising", "A line.");
    FigureFiles.write(LineChart.draw("t", "x", "y", List.of(RISING), false, false), tmp, f);
    BufferedImage png = ImageIO.read(tmp.resolve("rising.png").toFile());
    Color line = ChartStyle.category(0);
    int hits = count(png, line.getRGB());
    DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
    dbf.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    Document svg = dbf.newDocumentBuilder().parse(tmp.resolve("rising.svg").toFile());
    assertAll(
        () -> assertEquals(ChartStyle.WIDTH, png.getWidth()),
        () -> assertEquals(ChartStyle.HEIGHT, png.getHeight()),
        // a 2-pixel line across most of the plot: hundreds of pixels of exactly its colour
        () -> assertTrue(hits > 200, hits + " pixels of the line's colour"),
        () -> assertEquals("svg", svg.getDocumentElement().getNodeName()),
        () -> assertTrue(svg.getElementsByTagName("*").getLength() > 10, "an empty SVG"),
        () ->
            assertEquals(List.of("rising.png", "rising.svg"), names(tmp), "temporary files left"));
  }

  @Test
  void aFailedWriteLeavesNoFigureAndNoTemporaryFile() throws Exception {
    Figure f = new Figure("broken", "Broken", "Never written.");
    AtomicFiles.simulateFault(
        target ->
            target.getFileName().toString().startsWith("broken")
                ? new IOException("No space left on device")
                : null);
    UserError e;
    try {
      e =
          assertThrows(
              UserError.class,
              () ->
                  FigureFiles.write(
                      LineChart.draw("t", "x", "y", List.of(RISING), false, false), tmp, f));
    } finally {
      AtomicFiles.simulateFault(null);
    }
    assertAll(
        () -> assertEquals(UserError.FAILURE, e.exitCode()),
        () -> assertTrue(e.getMessage().contains("No space left on device"), e.getMessage()),
        () -> assertEquals(List.of(), names(tmp), "the folder must hold nothing"));
  }

  @Test
  void aProbabilityMapPaintsEachGridValueWhereItBelongs() {
    // 11 x 11 grid over [-1, 1]^2: p = 0.1 left of x = 0 (columns 0-5), 0.9 right of it
    int n = 11;
    double[] p = new double[n * n];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        p[r * n + c] = c <= 5 ? 0.1 : 0.9;
      }
    }
    ProbabilityMap.Grid grid = new ProbabilityMap.Grid(n, -1, 1, p);
    // a class-1 point at (-0.5, 0.5): pixel (50, 50) of a 200-pixel square at the origin
    ProbabilityMap.Points points =
        new ProbabilityMap.Points(new double[] {-0.5}, new double[] {0.5}, new double[] {1});
    BufferedImage img =
        PaintedFigure.image(
            (g, w, h) ->
                ProbabilityMap.paint(g, new Rectangle2D.Double(0, 0, 200, 200), grid, points),
            200,
            200);
    // colours worked out by hand: 255 + (end - 255) * 0.8, rounded, for the ends (33, 102, 172)
    // and (178, 24, 43)
    Color low = new Color(77, 133, 189);
    Color high = new Color(193, 70, 85);
    Color contour = new Color(img.getRGB(110, 100));
    assertAll(
        () -> assertEquals(low, ProbabilityMap.colour(0.1)),
        () -> assertEquals(high, ProbabilityMap.colour(0.9)),
        () -> assertEquals(Color.WHITE, ProbabilityMap.colour(0.5)),
        () -> assertEquals(ProbabilityMap.CLASS0, ProbabilityMap.colour(-3)),
        () -> assertEquals(new Color(190, 190, 190), ProbabilityMap.colour(Double.NaN)),
        // half-cells of 10 pixels: pixel 40 shows grid column 2, pixel 170 column 9
        () -> assertEquals(low.getRGB(), img.getRGB(40, 150)),
        () -> assertEquals(high.getRGB(), img.getRGB(170, 150)),
        // p = 0.5 is crossed halfway between columns 5 and 6: x = 5.5 * 20 = 110, drawn black
        () ->
            assertTrue(
                contour.getRed() < 90 && contour.getGreen() < 90 && contour.getBlue() < 90,
                "contour pixel " + contour),
        () -> assertEquals(new Color(103, 0, 13).getRGB(), img.getRGB(50, 50), "the point"),
        () -> assertEquals(low.getRGB(), img.getRGB(80, 50), "beside the point"));
  }

  @Test
  void anAnimatedGifReadsBackFrameByFrameWithItsDelays() throws Exception {
    Color[] colours = {new Color(200, 30, 30), new Color(30, 160, 60), new Color(20, 40, 220)};
    List<BufferedImage> frames =
        Stream.of(colours)
            .map(
                c ->
                    PaintedFigure.image(
                        (g, w, h) -> {
                          g.setColor(c);
                          g.fillRect(0, 0, w / 2, h);
                        },
                        40,
                        30))
            .toList();
    Path gif = tmp.resolve("anim.gif");
    AnimatedGif.write(frames, 120, 2000, gif);
    ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
    try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
      reader.setInput(in);
      assertEquals(3, reader.getNumImages(true));
      for (int i = 0; i < 3; i++) {
        BufferedImage f = reader.read(i);
        IIOMetadataNode root =
            (IIOMetadataNode) reader.getImageMetadata(i).getAsTree("javax_imageio_gif_image_1.0");
        IIOMetadataNode gce =
            (IIOMetadataNode) root.getElementsByTagName("GraphicControlExtension").item(0);
        int frame = i;
        assertAll(
            () -> assertEquals(40, f.getWidth()),
            () ->
                assertEquals(colours[frame].getRGB(), f.getRGB(5, 15), "frame " + frame + " left"),
            () -> assertEquals(Color.WHITE.getRGB(), f.getRGB(35, 15), "frame " + frame + " right"),
            // GIF counts hundredths of a second
            () -> assertEquals(frame == 2 ? "200" : "12", gce.getAttribute("delayTime")));
      }
    } finally {
      reader.dispose();
    }
    assertEquals(List.of("anim.gif"), names(tmp));
    assertThrows(IllegalArgumentException.class, () -> AnimatedGif.write(List.of(), 1, 1, gif));
  }

  private static int count(BufferedImage img, int rgb) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        n += (img.getRGB(x, y) & 0xffffff) == (rgb & 0xffffff) ? 1 : 0;
      }
    }
    return n;
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aFigureNameIsAFileStem() {
    assertAll(
        () -> assertThrows(IllegalArgumentException.class, () -> new Figure("../x", "t", "c")),
        () -> assertThrows(IllegalArgumentException.class, () -> new Figure("a/b", "t", "c")),
        () -> assertFalse(new Figure("ok-1_a", "t", "c").name().isEmpty()));
  }
}
