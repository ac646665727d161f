package dev.depthlab.plot;

import de.erichseifert.vectorgraphics2d.Document;
import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import dev.depthlab.common.AtomicFiles;
import dev.depthlab.common.UserError;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;

/**
 * A figure drawn with Java2D instead of a chart (XChart cannot lay points over a heat map): one
 * painter, rendered to a PNG and, through VectorGraphics2D's Graphics2D, to an SVG, each written
 * atomically.
 */
public final class PaintedFigure {
  /** Paints a {@code width} x {@code height} picture on {@code g}, white background included. */
  public interface Painter {
    void paint(Graphics2D g, int width, int height);
  }

  private PaintedFigure() {}

  /** The picture as an image (also a GIF frame). */
  public static BufferedImage image(Painter painter, int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      painter.paint(g, width, height);
    } finally {
      g.dispose();
    }
    return img;
  }

  /** Writes {@code dir/<name>.png} and {@code .svg}; returns {@code figure}. */
  public static Figure write(Painter painter, int width, int height, Path dir, Figure figure) {
    try {
      Files.createDirectories(dir);
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageIO.write(image(painter, width, height), "png", png);
      place(png.toByteArray(), dir.resolve(figure.name() + ".png"));
      VectorGraphics2D vg = new VectorGraphics2D();
      vg.setColor(Color.WHITE);
      vg.fillRect(0, 0, width, height);
      painter.paint(vg, width, height);
      Document doc = new SVGProcessor().getDocument(vg.getCommands(), new PageSize(width, height));
      ByteArrayOutputStream svg = new ByteArrayOutputStream();
      doc.writeTo(svg);
      place(svg.toByteArray(), dir.resolve(figure.name() + ".svg"));
      return figure;
    } catch (IOException e) {
      throw new UserError(
          "cannot write figure " + dir.resolve(figure.name()) + ": " + e.getMessage(),
          UserError.FAILURE);
    }
  }

  /** Bytes to {@code target} through a temporary file renamed into place. */
  static void place(byte[] bytes, Path target) throws IOException {
    Path tmp = AtomicFiles.temporaryFor(target, "");
    try {
      Files.write(tmp, bytes);
      IOException fault = AtomicFiles.simulatedFault(target);
      if (fault != null) {
        throw fault;
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
