// The part of pdfkit's API the protocol uses; the package ships no types of its own.
declare module 'pdfkit' {
  interface TextOptions {
    width?: number;
    align?: 'left' | 'right' | 'center';
    lineGap?: number;
    continued?: boolean;
  }
  interface DocumentOptions {
    size?: string;
    margins?: { top: number; bottom: number; left: number; right: number };
    bufferPages?: boolean;
    info?: Record<string, string | Date>;
    lang?: string;
  }
  class PDFDocument {
    constructor(options?: DocumentOptions);
    readonly page: { readonly width: number; readonly height: number };
    y: number;
    x: number;
    font(name: string): this;
    fontSize(size: number): this;
    fillColor(color: string): this;
    strokeColor(color: string): this;
    lineWidth(width: number): this;
    text(text: string, x?: number, y?: number, options?: TextOptions): this;
    heightOfString(text: string, options?: TextOptions): number;
    rect(x: number, y: number, w: number, h: number): this;
    moveTo(x: number, y: number): this;
    lineTo(x: number, y: number): this;
    fill(color?: string): this;
    stroke(color?: string): this;
    addPage(): this;
    switchToPage(index: number): this;
    bufferedPageRange(): { start: number; count: number };
    on(event: 'data', listener: (chunk: Buffer) => void): this;
    on(event: 'end', listener: () => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    end(): void;
  }
  export default PDFDocument;
}
