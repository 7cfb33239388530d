/**
 * yaml-language-server (the engine of VS Code's YAML support) driven headless: what an editor shows
 * for a file, without an editor. Schemas are read from disk, as an editor reads a `$schema=` modeline.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getLanguageService } from 'yaml-language-server';
import type { CompletionItem, Diagnostic, LanguageService } from 'yaml-language-server';

/** One diagnostic as a person reads it: 1-based line and column, and the message. */
export interface EditorDiagnostic {
  line: number;
  col: number;
  message: string;
}

/** A language service with the editor settings of VS Code's YAML extension (validate, hover, completion). */
export class YamlEditor {
  private readonly service: LanguageService;
  private version = 0;

  /** `schemaFile`: the JSON Schema files are checked with when they carry no `$schema=` modeline. */
  constructor(schemaFile?: string) {
    this.service = getLanguageService({
      schemaRequestService: (uri) => Promise.resolve(readFileSync(fileURLToPath(uri), 'utf8')),
      workspaceContext: { resolveRelativePath: (path, resource) => resolveFrom(path, resource) },
    });
    const schemas = schemaFile === undefined ? [] : [{ uri: fileUri(schemaFile), fileMatch: ['*.yaml'] }];
    this.service.configure({ validate: true, hover: true, completion: true, schemas });
  }

  /** Every diagnostic of `text`, as if it were the content of `file`. */
  async diagnose(file: string, text = readFileSync(file, 'utf8')): Promise<EditorDiagnostic[]> {
    const diagnostics: Diagnostic[] = await this.service.doValidation(this.document(file, text), false);
    return diagnostics.map((d) => ({
      line: d.range.start.line + 1,
      col: d.range.start.character + 1,
      message: d.message,
    }));
  }

  /** The hover text at a 1-based line and column. */
  async hover(file: string, text: string, line: number, col: number): Promise<string> {
    const hover = await this.service.doHover(this.document(file, text), { line: line - 1, character: col - 1 });
    const contents = hover?.contents;
    if (contents === undefined) return '';
    return typeof contents === 'object' && 'value' in contents ? contents.value : JSON.stringify(contents);
  }

  /** The completion items offered at a 1-based line and column. */
  async complete(file: string, text: string, line: number, col: number): Promise<CompletionItem[]> {
    const position = { line: line - 1, character: col - 1 };
    return (await this.service.doComplete(this.document(file, text), position, false)).items;
  }

  private document(file: string, text: string): TextDocument {
    this.version += 1;
    return TextDocument.create(fileUri(file), 'yaml', this.version, text);
  }
}

/** The `file://` URI of a path, relative paths from the working folder. */
export function fileUri(path: string): string {
  return pathToFileURL(resolve(path)).href;
}

function resolveFrom(path: string, resource: string): string {
  return pathToFileURL(resolve(dirname(fileURLToPath(resource)), path)).href;
}
