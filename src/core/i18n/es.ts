import type { Translation } from './translation.ts';

export const es: Translation = {
  loading: 'Cargando…',
  retry: 'Volver a intentarlo',
  queued: 'Aún no enviado: se enviará cuando vuelva la conexión.',
  errors: {
    network: 'No se pudo conectar con el servidor. Compruebe su conexión e inténtelo de nuevo.',
    timeout: 'El servidor tardó demasiado en responder. Inténtelo de nuevo.',
    notFound: 'No se encontró este contenido. Es posible que se haya eliminado.',
    notOpen: 'Esta encuesta aún no está abierta.',
    closed: 'Esta encuesta está cerrada.',
    alreadyVoted: 'Ya ha votado en esta encuesta.',
    invalid: 'No se aceptó su respuesta. Revísela e inténtelo de nuevo.',
    tooLarge: 'Su respuesta es demasiado larga.',
    session: 'No se pudo confirmar su sesión. Inténtelo de nuevo.',
    identity: 'Solo pueden participar residentes con identidad verificada. Inicie sesión primero en este sitio.',
    origin: 'Este sitio web no tiene autorización para usar este servicio.',
    rateLimited: 'Demasiados intentos. Espere un momento e inténtelo de nuevo.',
    server: 'Se produjo un error en nuestro sistema. Inténtelo de nuevo más tarde.',
    bannedWord: 'Su comentario contiene una palabra que no se permite en este sitio. Cambie la redacción e inténtelo de nuevo.',
    threadClosed: 'Los comentarios están cerrados.',
    banned: 'Ya no puede publicar comentarios en este sitio.',
    dailyLimit: 'Ha alcanzado el límite de comentarios de hoy. Vuelva a intentarlo mañana.',
    tooLong: 'Su comentario es demasiado largo.',
    editWindowOver: 'Este comentario ya no se puede modificar.',
  },
};
