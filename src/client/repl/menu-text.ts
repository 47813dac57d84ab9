// The labels of menu mode: the original client's menu, word for word in Spanish (`--lang es`), and
// its English translation by default.

export type Lang = 'en' | 'es';
export const LANGS: readonly Lang[] = ['en', 'es'];

export interface MenuText {
  readonly title: string;
  readonly write: string;
  readonly read: string;
  readonly exit: string;
  readonly choice: string;
  readonly key: string;
  readonly value: string;
  readonly invalid: string;
  readonly emptyKey: string;
  readonly written: (key: string, value: string) => string;
  readonly valueOf: (key: string, value: string) => string;
  readonly notFound: (key: string) => string;
  readonly bye: string;
}

export const MENU_TEXT: Record<Lang, MenuText> = {
  es: {
    title: 'Seleccione una opción:',
    write: '1. Escribir un valor',
    read: '2. Leer un valor',
    exit: '3. Salir',
    choice: 'Opción: ',
    key: 'Ingrese la clave: ',
    value: 'Ingrese el valor: ',
    invalid: 'Opción no válida: elija 1, 2 o 3.',
    emptyKey: 'La clave no puede estar vacía.',
    written: (k, v) => `Escrito: ${k} = ${v}`,
    valueOf: (k, v) => `Valor de ${k}: ${v}`,
    notFound: (k) => `La clave ${k} no existe.`,
    bye: 'Saliendo del menú.',
  },
  en: {
    title: 'Select an option:',
    write: '1. Write a value',
    read: '2. Read a value',
    exit: '3. Exit',
    choice: 'Option: ',
    key: 'Key: ',
    value: 'Value: ',
    invalid: 'Not an option: choose 1, 2 or 3.',
    emptyKey: 'The key must not be empty.',
    written: (k, v) => `Written: ${k} = ${v}`,
    valueOf: (k, v) => `${k} = ${v}`,
    notFound: (k) => `${k}: not found.`,
    bye: 'Leaving the menu.',
  },
};

/** The menu block printed before each choice. */
export function menuBlock(t: MenuText): string {
  return [t.title, t.write, t.read, t.exit].join('\n');
}
