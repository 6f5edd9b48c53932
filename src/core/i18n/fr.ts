import type { Translation } from './translation.ts';

export const fr: Translation = {
  loading: 'Chargement…',
  retry: 'Réessayer',
  queued: 'Pas encore envoyé : ce sera envoyé dès le retour de la connexion.',
  errors: {
    network: 'Impossible de joindre le serveur. Vérifiez votre connexion, puis réessayez.',
    timeout: 'Le serveur a mis trop de temps à répondre. Veuillez réessayer.',
    notFound: 'Ce contenu est introuvable. Il a peut-être été supprimé.',
    notOpen: 'Ce sondage n’est pas encore ouvert.',
    closed: 'Ce sondage est clôturé.',
    alreadyVoted: 'Vous avez déjà participé à ce sondage.',
    invalid: 'Votre réponse n’a pas été acceptée. Veuillez la vérifier, puis réessayer.',
    tooLarge: 'Votre réponse est trop longue.',
    session: 'Votre session n’a pas pu être confirmée. Veuillez réessayer.',
    identity: 'Seuls les habitants dont l’identité a été vérifiée peuvent participer. Veuillez d’abord vous connecter sur ce site.',
    origin: 'Ce site n’est pas autorisé à utiliser ce service.',
    rateLimited: 'Trop de tentatives. Veuillez patienter un instant, puis réessayer.',
    server: 'Un problème est survenu de notre côté. Veuillez réessayer plus tard.',
    bannedWord: 'Votre commentaire contient un mot qui n’est pas autorisé sur ce site. Veuillez le reformuler.',
    threadClosed: 'Les commentaires sont fermés.',
    banned: 'Vous ne pouvez plus publier de commentaires sur ce site.',
    dailyLimit: 'Vous avez atteint le nombre maximal de commentaires pour aujourd’hui. Vous pourrez de nouveau commenter demain.',
    tooLong: 'Votre commentaire est trop long.',
    editWindowOver: 'Ce commentaire ne peut plus être modifié.',
  },
};
